using Microsoft.Extensions.Diagnostics.HealthChecks;
using SignalRTicker.Server.Shutdown;

namespace SignalRTicker.Server.Health;

/// <summary>
/// Unhealthy once the node drains: it refuses new hub connections, so a balancer should stop sending it clients before
/// it is gone, not learn it from the 503s.
/// </summary>
internal sealed class DrainHealthCheck(ShutdownDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy("The node is shutting down; its clients are moving to other nodes.")
            : HealthCheckResult.Healthy("The node takes new connections."));
}
