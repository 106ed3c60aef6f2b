namespace SignalRTicker.Server.Instruments;

/// <summary>The engine of a single node: sequences and history live in this process's <see cref="InstrumentRegistry"/>.</summary>
internal sealed class LocalQuoteEngine(InstrumentRegistry instruments) : IQuoteEngine
{
    public ValueTask<PublishResult> PublishAsync(IReadOnlyList<PriceUpdate> updates, QuoteOrigin origin, CancellationToken cancellationToken) =>
        ValueTask.FromResult(instruments.Record(updates));

    public ValueTask<HistoryRead> ReadHistoryAsync(Instrument instrument, long since, int limit, CancellationToken cancellationToken) =>
        ValueTask.FromResult(instrument.ReadHistory(since, limit));
}
