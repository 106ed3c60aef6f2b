namespace SignalRTicker.Server.Ticker;

/// <summary>
/// How many hub connections a key holds across the gateway, for its cap. A single node counts its own
/// (<see cref="LocalKeyConnectionCounter"/>); a cluster adds the other nodes' counts.
/// </summary>
public interface IKeyConnectionCounter
{
    /// <summary>The key's open connections on every node (this node's included).</summary>
    ValueTask<int> CountAsync(Guid keyId, CancellationToken cancellationToken);

    /// <summary>
    /// Called once a connection of the key has joined this node's <see cref="LiveConnections"/>: false when, counting
    /// every node, the key now holds more than <paramref name="max"/>, and the connection must close.
    /// </summary>
    ValueTask<bool> ConfirmAsync(Guid keyId, int max, CancellationToken cancellationToken);

    /// <summary>A connection of the key has left this node's <see cref="LiveConnections"/>.</summary>
    void Released(Guid keyId);
}
