namespace SignalRTicker.Contracts;

/// <summary>What the server calls on a connected client.</summary>
public interface ITickerClient
{
    /// <summary>A price change of a symbol the connection is subscribed to.</summary>
    Task Quote(Quote quote);

    /// <summary>
    /// The server ended these subscriptions: the key lost the entitlement, or the instrument was removed. No quote of
    /// them follows this message.
    /// </summary>
    Task Unsubscribed(string[] symbols, string reason);
}
