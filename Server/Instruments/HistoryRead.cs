namespace SignalRTicker.Server.Instruments;

/// <summary>
/// Quotes read from an instrument's history, oldest first. <see cref="Complete"/> is true when every quote after the
/// asked-for sequence is still held (the read may still stop at its limit).
/// </summary>
public sealed record HistoryRead(IReadOnlyList<Quote> Quotes, bool Complete);
