using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Tests.Fixtures;
using ServerProcess = SignalRTicker.Server.Tests.Startup.ServerProcess;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>
/// The simulator runs on one node; when that node dies without a word (killed, so it never gives its lease up),
/// another takes over within 5 seconds, carrying on each instrument's sequence and price.
/// </summary>
[Collection(ClusterSerial.Name)]
public sealed class LeaderFailoverTests : IAsyncLifetime
{
    private static readonly TimeSpan Takeover = TimeSpan.FromSeconds(5);

    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task LeaderKilled_AnotherNodeCarriesTheSimulatorOnWithinFiveSeconds_WithHigherSequencesAndContinuousPrices()
    {
        var folder = Directory.CreateTempSubdirectory("signalr-ticker-leader-").FullName;
        var port = FreePort.Next();
        // The leader is a process of its own, so killing it stops its lease renewal as a crash would.
        var killed = false;
        var leader = ServerProcess.Start(folder, "Production", _cluster.SharedSettings(), "--urls", $"http://127.0.0.1:{port}");
        try
        {
            await leader.LineAsync(line => line.Contains("leads the simulated feed", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            var follower = _cluster.Start();
            var (connection, quotes) = await follower.ConnectWithAsync((await follower.GetTokenAsync()).AccessToken);
            await using var _ = connection;
            await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
            await quotes.NextAsync();
            var before = await quotes.NextAsync();

            await leader.DisposeAsync(); // SIGKILL
            killed = true;
            var killedAt = Stopwatch.StartNew();
            before = quotes.Drain().LastOrDefault() ?? before;
            Quote after;
            while (true)
            {
                // Quotes the dead leader had in flight arrive at once; the new leader's first comes after the lease ran out.
                var waited = Stopwatch.StartNew();
                var next = await quotes.NextAsync(Takeover);
                if (waited.Elapsed > TimeSpan.FromSeconds(1))
                {
                    after = next;
                    break;
                }

                before = next;
            }

            Assert.True(killedAt.Elapsed < Takeover, $"the simulator came back after {killedAt.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(before.Sequence + 1, after.Sequence);
            Assert.True(Math.Abs(after.Price - before.Price) / before.Price < 0.01m, $"{before.Price} then {after.Price}");
            Assert.Equal(before.Change + (after.Price - before.Price), after.Change);
        }
        finally
        {
            if (!killed)
            {
                await leader.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
