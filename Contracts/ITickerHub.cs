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
    /// Subscribes like <see cref="Subscribe"/> (same checks, all or nothing) and returns, per symbol, every quote after
    /// the client's last sequence when the server still holds them all, or else the latest quote. The subscription
    /// starts before the history is read, so nothing falls between the two; drop duplicates by sequence.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "The hub method's name is part of the public contract.")]
    Task<SymbolRecovery[]> Resume(SymbolPosition[] positions);

    /// <summary>
    /// Replaces the connection's credential without reconnecting: <paramref name="accessToken"/> must be valid, not
    /// revoked and issued from the same API key. The connection then closes when the new token expires; symbols the
    /// key may no longer see are unsubscribed and listed in <see cref="RefreshResult.Removed"/>. A token that fails any
    /// check is refused and changes nothing.
    /// </summary>
    Task<RefreshResult> RefreshToken(string accessToken);

    /// <summary>
    /// Publishes a batch of 1 to 1000 quotes (publisher or admin role; instruments whose source is published). All or
    /// nothing: one bad item refuses the whole batch, naming it, and nothing of it is delivered.
    /// </summary>
    Task<PublishResult> Publish(QuoteInput[] quotes);
}
