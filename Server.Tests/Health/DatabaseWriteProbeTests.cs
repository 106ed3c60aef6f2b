using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using SignalRTicker.Server.Health;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Tests.Health;

/// <summary>The write probe answers within a load balancer's patience, even when the database never does.</summary>
public sealed class DatabaseWriteProbeTests
{
    [Fact]
    public async Task PostgresThatNeverAnswers_IsUnhealthyWithinFiveSeconds_NotTheConnectionStringsTimeout()
    {
        // Accepts connections and says nothing; the configured Timeout (60 s) would outlast any load balancer.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var connectionString = $"Host=127.0.0.1;Port={((IPEndPoint)silent.LocalEndpoint).Port};Database=ticker;Username=ticker;Timeout=60";
        using var probe = new DatabaseWriteProbe(
            new TickerDatabase(DatabaseProvider.Postgres, connectionString, "silent"), TimeProvider.System, NullLogger<DatabaseWriteProbe>.Instance);
        var clock = Stopwatch.StartNew();

        var result = await probe.CheckHealthAsync(new HealthCheckContext()).DefaultTimeout(TimeSpan.FromSeconds(15));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"answered after {clock.Elapsed}");
    }
}
