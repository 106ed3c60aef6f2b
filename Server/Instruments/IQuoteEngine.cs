namespace SignalRTicker.Server.Instruments;

/// <summary>
/// Sequences quotes and keeps their history. On one node the <see cref="InstrumentRegistry"/> does both in memory;
/// a cluster swaps in an engine that sequences once for every node and keeps the shared history.
/// </summary>
public interface IQuoteEngine
{
    /// <summary>Sequences, records and delivers prices made together, as one batch, made by <paramref name="origin"/>.</summary>
    ValueTask<PublishResult> PublishAsync(IReadOnlyList<PriceUpdate> updates, QuoteOrigin origin, CancellationToken cancellationToken);

    /// <summary>The instrument's quotes after <paramref name="since"/>, oldest first, at most <paramref name="limit"/>.</summary>
    ValueTask<HistoryRead> ReadHistoryAsync(Instrument instrument, long since, int limit, CancellationToken cancellationToken);
}
