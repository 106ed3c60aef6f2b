namespace SignalRTicker.Contracts;

/// <summary>The answer to <c>POST /api/admin/symbols</c>.</summary>
public sealed record CreatedInstrument(string Symbol, string Source);
