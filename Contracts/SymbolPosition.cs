namespace SignalRTicker.Contracts;

/// <summary>Where a client stands in a symbol: the last sequence it has, for <c>Resume</c>.</summary>
public sealed record SymbolPosition(string Symbol, long Sequence);
