namespace SignalRTicker.Contracts;

/// <summary>
/// The methods a client may call on the hub at <see cref="HubPaths.Ticker"/>. The server's hub implements this
/// interface, and clients name the methods with <c>nameof(ITickerHub.Subscribe)</c>, so the two cannot drift apart.
/// </summary>
public interface ITickerHub
{
    /// <summary>Subscribes to the symbols (all or nothing) and returns the latest quote of each newly subscribed one.</summary>
    Task<Quote[]> Subscribe(string[] symbols);

    /// <summary>Leaves the symbols; unknown or not-subscribed ones are ignored.</summary>
    Task Unsubscribe(string[] symbols);

    /// <summary>The connection's current symbols, in order.</summary>
    Task<string[]> GetSubscriptions();

    /// <summary>
    /// Publishes a batch of 1 to 1000 quotes (publisher or admin role; instruments whose source is published). All or
    /// nothing: one bad item refuses the whole batch, naming it, and nothing of it is delivered.
    /// </summary>
    Task<PublishResult> Publish(QuoteInput[] quotes);
}
