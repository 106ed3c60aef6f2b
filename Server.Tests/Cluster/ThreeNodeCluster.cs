using SignalRTicker.Server.Tests.Fixtures;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>A private Redis and three nodes (A, B, C) sharing it, for the tests of one class.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    /// <summary>Low, so the cap test opens few connections; the demo key the other tests use has no cap.</summary>
    public const int MaxConnectionsPerKey = 2;

    private readonly ClusterNodes _cluster = new();

    public TickerAppFactory A => Nodes[0];

    public TickerAppFactory B => Nodes[1];

    public TickerAppFactory C => Nodes[2];

    public IReadOnlyList<TickerAppFactory> Nodes => _cluster.Nodes;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        if (!ServerPrograms.IsInstalled(Needs.Redis | Needs.Postgres))
        {
            return;
        }

        for (var i = 0; i < 3; i++)
        {
            _cluster.Start(new() { ["RateLimits:MaxConnectionsPerKey"] = MaxConnectionsPerKey.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();
}
