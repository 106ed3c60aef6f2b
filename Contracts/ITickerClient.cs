namespace SignalRTicker.Contracts;

/// <summary>What the server calls on a connected client.</summary>
public interface ITickerClient
{
    /// <summary>A price change of a symbol the connection is subscribed to.</summary>
    Task Quote(Quote quote);
}
