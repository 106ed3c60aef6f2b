namespace SignalRTicker.Server.Ticker;

/// <summary>
/// One price change of a symbol. <see cref="Change"/> and <see cref="ChangePercent"/> are against the session's
/// opening price; <see cref="Sequence"/> rises by one per tick of the symbol, so a client can see a gap.
/// </summary>
public sealed record Quote(
    string Symbol,
    decimal Price,
    decimal Change,
    decimal ChangePercent,
    long Sequence,
    DateTimeOffset Timestamp);
