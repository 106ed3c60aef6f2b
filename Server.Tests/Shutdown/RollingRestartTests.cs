using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Client;
using SignalRTicker.Server.Tests.Client;
using SignalRTicker.Server.Tests.Cluster;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Shutdown;

/// <summary>
/// Two nodes of one cluster (real Redis and PostgreSQL) behind nginx, and clients of the .NET library connected
/// through it; one node stops (its host's stop: the drain) and starts again, as a rolling restart does.
/// </summary>
[Collection(ClusterSerial.Name)]
public sealed class RollingRestartTests : IAsyncLifetime
{
    private const int Clients = 4;
    private static readonly string[] Symbols = ["BTC-USD", "ETH-USD", "SOL-USD", "BTC-USD"];

    private readonly ClusterNodes _cluster = new();

    /// <summary>
    /// The fixture's proxy, sticky (ip_hash) because the clients negotiate, and passing a request a node refuses with
    /// 503 (a draining node's answer to a negotiate or a connect) or cannot take on to the other node.
    /// </summary>
    private static string Site() => LoadBalancerTests.Site("ip_hash;").Replace(
        "proxy_pass http://ticker;",
        "proxy_pass http://ticker;\n        proxy_next_upstream error timeout http_503 non_idempotent;",
        StringComparison.Ordinal);

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [ServerFact(Needs.Redis | Needs.Postgres | Needs.Nginx)]
    public async Task RestartingOneOfTwoNodes_MovesEverySubscriberToTheOther_AtOnce_WithoutAGap()
    {
        var settings = new Dictionary<string, string?> { ["Shutdown:DrainSeconds"] = "2" };
        var nodes = new[] { _cluster.Start(settings), _cluster.Start(settings) };
        await using var nginx = await NginxServer.StartAsync(Site(), nodes.Select(node => node.BaseAddress)).DefaultTimeout();
        var clients = new List<ClientHarness>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                // The library's own retry delays: the reconnect must not wait for them.
                clients.Add(new ClientHarness(new TickerConnectionOptions(nginx.BaseAddress, TickerAppFactory.DemoKey, [Symbols[i]])));
            }

            var before = new List<Quote>();
            foreach (var client in clients)
            {
                before.Add(await client.NextQuoteAsync());
            }

            // ip_hash sends every client from 127.0.0.1 to one node: that one restarts.
            var stopping = nodes.Single(node => Live(node) == Clients);
            var staying = nodes.Single(node => node != stopping);
            await using var restarted = stopping.Restarted();

            var stopped = stopping.DisposeAsync().AsTask();
            await TaskTimeoutExtensions.WaitUntilAsync(() => Live(staying) == Clients && clients.All(c => c.Connection.Stats.Reconnects == 1));
            await stopped.DefaultTimeout(TimeSpan.FromSeconds(30));

            foreach (var (client, first) in clients.Zip(before))
            {
                // Quotes go on (from whichever node runs the feed now), and the stream of each symbol has no hole.
                var after = await client.QuotesUntilAsync(q => q.Sequence > first.Sequence + 30);
                var sequences = after.Select(q => q.Sequence).Prepend(first.Sequence).ToList();
                Assert.Equal(Enumerable.Range(0, sequences.Count).Select(n => first.Sequence + n), sequences);
                Assert.Equal((0, 0, 0L), (client.Connection.Stats.Gaps, client.Connection.Stats.NotRecovered, client.Connection.Stats.MissedQuotes));

                // The first retry after the connection was up is the drain's, and it does not wait.
                var history = client.History;
                var reconnecting = history.SkipWhile(s => s.State != TickerConnectionState.Connected).First(s => s.State == TickerConnectionState.Reconnecting);
                var described = string.Join("; ", history.Select(s => $"{s.State} in {s.RetryIn?.TotalMilliseconds} ms: {s.Reason}"));
                Assert.True(reconnecting.RetryIn == TimeSpan.Zero && reconnecting.Reason?.Contains(CloseReasons.ServerShuttingDown, StringComparison.Ordinal) == true, described);
                Assert.Equal(TickerConnectionState.Connected, client.Connection.Status.State);
            }

            // The node comes back and serves again; the clients stay where they are.
            using var health = await restarted.CreateClient().GetAsync("/healthz").DefaultTimeout();
            health.EnsureSuccessStatusCode();
            Assert.Equal(Clients, Live(staying));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static int Live(TickerAppFactory node) => node.Services.GetRequiredService<LiveConnections>().Count;
}
