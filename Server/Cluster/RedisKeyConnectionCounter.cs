using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Ticker;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Per-key connection counts for the whole cluster: each node writes its own count of each key into the key's hash in
/// Redis, and a connect is allowed while the live nodes' counts stay within the cap. A node's counts stop counting
/// once its heartbeat lapses (<see cref="NodeHeartbeat"/>), so a dead node does not hold its keys' connections for
/// ever. Without Redis each node counts its own: a key may briefly hold its cap on each node, rather than be refused
/// everywhere.
/// </summary>
internal sealed class RedisKeyConnectionCounter(
    LiveConnections connections,
    RedisConnection redis,
    ClusterNode node,
    IOptions<ClusterOptions> options,
    ILogger<RedisKeyConnectionCounter> logger) : IKeyConnectionCounter
{
    /// <summary>Keys whose count changed since the last heartbeat wrote them.</summary>
    private readonly ConcurrentDictionary<Guid, bool> _changed = new();

    /// <summary>
    /// Held while a count is read and its write is handed to the multiplexer, which sends commands in the order they
    /// are handed to it: the last write Redis gets for a key carries this node's latest count, whichever of a connect,
    /// a disconnect or the heartbeat sent it.
    /// </summary>
    internal Lock WriteOrder { get; } = new();

    public async ValueTask<int> CountAsync(Guid keyId, CancellationToken cancellationToken) =>
        await CountAsync(keyId, null) ?? connections.CountOfKey(keyId);

    public async ValueTask<bool> ConfirmAsync(Guid keyId, int max, CancellationToken cancellationToken)
    {
        _changed[keyId] = true;
        return await CountAsync(keyId, max) is not -1;
    }

    public void Released(Guid keyId)
    {
        _changed[keyId] = true;
        if (redis.IsConnected)
        {
            lock (WriteOrder)
            {
                _ = redis.Database.HashSetAsync(RedisKeys.Connections(keyId), node.Id, connections.CountOfKey(keyId), flags: CommandFlags.FireAndForget);
            }
        }
    }

    /// <summary>Takes the keys whose counts changed since the last heartbeat.</summary>
    public List<Guid> TakeChanged()
    {
        var changed = new List<Guid>();
        foreach (var keyId in _changed.Keys)
        {
            if (_changed.TryRemove(keyId, out _))
            {
                changed.Add(keyId);
            }
        }

        return changed;
    }

    /// <summary>The cluster's count (this node's included), or null without Redis.</summary>
    private async ValueTask<int?> CountAsync(Guid keyId, int? max)
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        try
        {
            Task<RedisResult> counted;
            lock (WriteOrder)
            {
                counted = redis.Database.ScriptEvaluateAsync(
                    ConnectionCountScripts.Count,
                    [RedisKeys.Connections(keyId)],
                    [
                        node.Id,
                        RedisKeys.NodePrefix,
                        connections.CountOfKey(keyId),
                        max is { } cap ? cap : RedisValue.EmptyString,
                        (long)options.Value.NodeTimeout.TotalMilliseconds,
                    ]);
            }

            return (int)await counted;
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            ClusterLog.ClusterCountUnavailable(logger, keyId);
            return null;
        }
    }
}
