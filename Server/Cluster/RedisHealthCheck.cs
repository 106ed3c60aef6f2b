using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Degraded, with the reason, while Redis is unreachable: the node still serves its connections (so a load balancer
/// keeps it), but it is cut off from the cluster.
/// </summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return Degraded(null);
        }

        try
        {
            await redis.Database.PingAsync();
            return HealthCheckResult.Healthy($"Redis at {redis.Endpoint} answers.");
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            return Degraded(ex);
        }
    }

    private HealthCheckResult Degraded(Exception? failure) => HealthCheckResult.Degraded(
        $"Redis at {redis.Endpoint} is unreachable: this node serves its own connections, but publishing, tickets and " +
        "other nodes' quotes wait for it; it rejoins by itself.", failure);
}
