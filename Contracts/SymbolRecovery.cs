namespace SignalRTicker.Contracts;

/// <summary>
/// What <c>Resume</c> gives back for one symbol. <see cref="Recovered"/> is true when every quote after the client's
/// sequence was still held: <see cref="Quotes"/> are all of them, oldest first (possibly none). Otherwise
/// <see cref="Quotes"/> holds only the latest quote, and the quotes in between are lost to this client.
/// </summary>
public sealed record SymbolRecovery(string Symbol, bool Recovered, Quote[] Quotes);
