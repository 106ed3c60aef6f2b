using Microsoft.Extensions.Diagnostics.HealthChecks;
using SignalRTicker.Server.Feeds;

namespace SignalRTicker.Server.Health;

/// <summary>
/// Unhealthy when a feed's loop has ended on a failure: its instruments would stop moving on every connection of this
/// node. A feed that waits for another node's lease, or an upstream feed with nothing configured, is healthy.
/// </summary>
internal sealed class FeedHealthCheck(IEnumerable<IHostedService> hostedServices) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failed = hostedServices
            .Where(service => service is SimulatedFeed or UpstreamFeed)
            .Cast<BackgroundService>()
            .Where(feed => feed.ExecuteTask is { IsFaulted: true })
            .Select(feed => $"{feed.GetType().Name}: {feed.ExecuteTask!.Exception!.InnerException?.Message}")
            .ToList();
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy("The feeds run.")
            : HealthCheckResult.Unhealthy($"A feed has stopped on a failure ({string.Join("; ", failed)}); restart the node."));
    }
}
