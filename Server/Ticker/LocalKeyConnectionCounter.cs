namespace SignalRTicker.Server.Ticker;

/// <summary>A single node's count: its own connections, which <see cref="LiveConnections"/> already keeps under the cap.</summary>
internal sealed class LocalKeyConnectionCounter(LiveConnections connections) : IKeyConnectionCounter
{
    public ValueTask<int> CountAsync(Guid keyId, CancellationToken cancellationToken) => ValueTask.FromResult(connections.CountOfKey(keyId));

    public ValueTask<bool> ConfirmAsync(Guid keyId, int max, CancellationToken cancellationToken) => ValueTask.FromResult(true);

    public void Released(Guid keyId)
    {
    }
}
