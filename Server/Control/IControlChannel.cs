namespace SignalRTicker.Server.Control;

/// <summary>
/// Carries <see cref="IControlMessage"/>s to every subscriber on every node, the publishing node included. A single
/// node uses <see cref="LocalControlChannel"/>; a cluster swaps in one that crosses processes. Lower features publish
/// here and higher ones subscribe, so a fact can travel up without the lower feature knowing who acts on it.
/// </summary>
public interface IControlChannel
{
    /// <summary>Delivers the message to every subscriber of its type; completes once this node's handlers have run.</summary>
    Task PublishAsync<TMessage>(TMessage message, CancellationToken cancellationToken = default)
        where TMessage : class, IControlMessage;

    /// <summary>Runs <paramref name="handler"/> for each message of the type until the returned handle is disposed.</summary>
    IDisposable Subscribe<TMessage>(Action<TMessage> handler)
        where TMessage : class, IControlMessage;
}
