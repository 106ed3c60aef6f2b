using Microsoft.Extensions.Options;
using SignalRTicker.Server.Feeds;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// One node at a time leads each feed, by a lease in Redis (<see cref="LeaseScripts"/>) that the leader renews three
/// times per <see cref="ClusterOptions.LeaseDuration"/>. Followers try every <see cref="ClusterOptions.AcquireInterval"/>,
/// so when a leader dies another takes over within a lease and an interval, from the latest prices and sequences
/// this node has applied. Each leadership has a new term, which its quotes carry.
/// </summary>
/// <remarks>
/// While Redis is unreachable the leader keeps its feed for its own connections (it cannot tell an outage from being
/// cut off alone), and nobody else can take it. When Redis returns, the leader renews or takes its lease back at once
/// under its term, while followers wait a whole lease before they compete: so after an outage the node that kept the
/// feed going is the one that carries it on, from its own sequences.
/// </remarks>
internal sealed class RedisFeedLeadership(
    RedisConnection redis,
    ClusterChannels channels,
    InstrumentSync sync,
    ClusterNode node,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<RedisFeedLeadership> logger) : IFeedLeadership
{
    public async Task<FeedLease> AcquireAsync(string feed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // A leader publishes from the cluster's latest prices, and hears its own quotes back.
        await Task.WhenAll(channels.Subscribed, sync.Ready).WaitAsync(cancellationToken);
        var keys = new RedisKey[] { RedisKeys.Leader(feed), RedisKeys.Term(feed) };
        var owner = $"{node.Id}/{Guid.NewGuid():N}";
        while (true)
        {
            if (redis.SettledFor(settings.LeaseDuration))
            {
                try
                {
                    var term = (long)await redis.Database.ScriptEvaluateAsync(LeaseScripts.Acquire, keys,
                        [owner, (long)settings.LeaseDuration.TotalMilliseconds, time.GetUtcNow().ToUnixTimeMilliseconds()]);
                    if (term > 0)
                    {
                        ClusterLog.LeadershipTaken(logger, feed, term);
                        return Hold(feed, term, keys, owner, settings);
                    }
                }
                catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
                {
                    // Nobody can take a lease now; try again.
                }
            }

            await Task.Delay(settings.AcquireInterval, time, cancellationToken);
        }
    }

    /// <summary>Renews the lease until it is lost or released; the lease's Lost token says when another node leads.</summary>
    private FeedLease Hold(string feed, long term, RedisKey[] keys, string owner, ClusterOptions settings)
    {
        var lost = new CancellationTokenSource();
        var stop = new CancellationTokenSource();
        var renewing = Task.Run(() => RenewAsync(feed, term, keys, owner, settings, lost, stop.Token), CancellationToken.None);
        return new FeedLease(feed, term, lost.Token, async () =>
        {
            await stop.CancelAsync();
            await renewing;
            if (!lost.IsCancellationRequested)
            {
                try
                {
                    if ((long)await redis.Database.ScriptEvaluateAsync(LeaseScripts.Release, [keys[0]], [owner]) == 1)
                    {
                        ClusterLog.LeadershipReleased(logger, feed, term);
                    }
                }
                catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
                {
                    // The lease runs out by itself.
                }
            }

            lost.Dispose();
            stop.Dispose();
        });
    }

    private async Task RenewAsync(string feed, long term, RedisKey[] keys, string owner, ClusterOptions settings, CancellationTokenSource lost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(settings.RenewInterval, time);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var renewed = (long)await redis.Database.ScriptEvaluateAsync(LeaseScripts.Renew, keys,
                        [owner, (long)settings.LeaseDuration.TotalMilliseconds, term]);
                    failing = false;
                    if (renewed == 0)
                    {
                        ClusterLog.LeadershipLost(logger, feed, term);
                        await lost.CancelAsync();
                        return;
                    }
                }
                catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
                {
                    if (!failing)
                    {
                        failing = true;
                        ClusterLog.LeaseRenewalFailed(logger, feed, term);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Released.
        }
    }
}
