namespace SignalRTicker.Server.Storage;

/// <summary>
/// An instrument as stored: what it is, and where it stood when last saved, so it carries on after a restart. Its
/// history is not stored.
/// </summary>
public sealed class InstrumentRecord
{
    public const int MaxSymbolLength = 20;
    public const int MaxSourceLength = 16;

    public required string Symbol { get; init; }

    /// <summary>The wire name of its source: simulated, published, coinbase or binance.</summary>
    public required string Source { get; set; }

    /// <summary>A simulated instrument's starting price, against which its change is measured.</summary>
    public decimal? StartPrice { get; set; }

    /// <summary>
    /// Every sequence up to this one may have been given to a quote: after a restart the next quote gets a higher one,
    /// so a sequence never repeats even after a crash. A graceful stop leaves it at the last sequence given.
    /// </summary>
    public long ReservedSequence { get; set; }

    public long LastSequence { get; set; }

    public decimal? LastPrice { get; set; }

    public decimal? LastBid { get; set; }

    public decimal? LastAsk { get; set; }

    public DateTimeOffset? LastTimestamp { get; set; }

    /// <summary>The price the change is measured against (the first quote of <see cref="ReferenceDay"/> when not simulated).</summary>
    public decimal? Reference { get; set; }

    public DateOnly? ReferenceDay { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set when an admin removed it: the configured defaults do not bring it back at the next start.</summary>
    public DateTimeOffset? RemovedAt { get; set; }
}
