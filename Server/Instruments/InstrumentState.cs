namespace SignalRTicker.Server.Instruments;

/// <summary>
/// What an instrument is and where it stands: enough to carry on after a restart (its sequence, its latest quote,
/// its reference price) without its history. <see cref="Sequence"/> is the last sequence that may have been used:
/// the next quote gets the one after it.
/// </summary>
public sealed record InstrumentState(
    string Symbol,
    InstrumentSource Source,
    decimal? StartPrice,
    long Sequence,
    Quote? Latest,
    decimal? Reference = null,
    DateOnly ReferenceDay = default);
