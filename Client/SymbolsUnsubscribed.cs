namespace SignalRTicker.Client;

/// <summary>
/// The server ended subscriptions (the key lost the entitlement, or the instrument was removed). The connection no
/// longer holds these symbols and does not subscribe to them again after a reconnect.
/// </summary>
/// <param name="Symbols">The symbols, as the server names them (upper case).</param>
/// <param name="Reason">Why, in the server's words, such as <c>instrument removed</c>.</param>
public sealed record SymbolsUnsubscribed(IReadOnlyList<string> Symbols, string Reason);
