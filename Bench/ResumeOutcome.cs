namespace SignalRTicker.Bench;

/// <summary>
/// What a <c>Resume</c> gave back: whether the server still held every missed quote of every symbol, how many quotes
/// it returned that this connection had not seen, and whether those quotes left a hole (they must not).
/// </summary>
public sealed record ResumeOutcome(bool Recovered, int SymbolsNotRecovered, int QuotesRecovered, int Gaps);
