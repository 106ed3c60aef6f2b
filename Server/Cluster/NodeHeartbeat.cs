using Microsoft.Extensions.Options;
using SignalRTicker.Server.Ticker;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Every <see cref="ClusterOptions.HeartbeatInterval"/>, tells the cluster this node is alive and writes its connection
/// count of every key it holds, so the cluster's counts are exact within one heartbeat, also after Redis comes back
/// without its data.
/// </summary>
internal sealed class NodeHeartbeat(
    RedisKeyConnectionCounter counter,
    LiveConnections connections,
    RedisConnection redis,
    ClusterNode node,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.HeartbeatInterval, time);
        try
        {
            do
            {
                await BeatAsync(settings);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the heartbeat lapses and the counts stop counting.
        }
    }

    /// <summary>One heartbeat: this node is alive, with every count it holds (and a 0 for each key it no longer holds).</summary>
    private async Task BeatAsync(ClusterOptions settings)
    {
        try
        {
            Task beat;
            // The counts are read and their write handed over in one step, so a connect that lands meanwhile is either
            // in them or written after them, never overwritten by an older count.
            lock (counter.WriteOrder)
            {
                var counts = connections.CountsByKey();
                foreach (var keyId in counter.TakeChanged())
                {
                    counts.TryAdd(keyId, 0);
                }

                var keys = new List<RedisKey>(1 + counts.Count) { RedisKeys.Node(node.Id) };
                var values = new List<RedisValue>(2 + counts.Count) { node.Id, (long)settings.NodeTimeout.TotalMilliseconds };
                foreach (var (keyId, count) in counts)
                {
                    keys.Add(RedisKeys.Connections(keyId));
                    values.Add(count);
                }

                beat = redis.Database.ScriptEvaluateAsync(ConnectionCountScripts.Heartbeat, [.. keys], [.. values]);
            }

            await beat;
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            ClusterLog.HeartbeatFailed(logger, ex.Message);
        }
    }
}
