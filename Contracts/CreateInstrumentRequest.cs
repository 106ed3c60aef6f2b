namespace SignalRTicker.Contracts;

/// <summary>
/// <c>POST /api/admin/symbols</c>: a new instrument. <see cref="Price"/> is the starting price of a simulated one and
/// must be left out for any other source.
/// </summary>
public sealed record CreateInstrumentRequest(string? Symbol, string? Source, decimal? Price = null);
