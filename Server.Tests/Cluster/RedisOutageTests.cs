using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Tests.Fixtures;
using StackExchange.Redis;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>
/// Redis dies and comes back empty: nodes keep their connections, the simulator's node keeps its own connections
/// fed, health degrades with the reason, work that needs Redis is refused with a 503, and everything recovers by
/// itself, with no sequence given twice.
/// </summary>
[Collection(ClusterSerial.Name)]
public sealed class RedisOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(20);

    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task RedisKilledAndRestarted_LocalDeliveryGoesOn_HealthDegrades_AndEverythingRecovers()
    {
        var nodes = new[] { _cluster.Start(), _cluster.Start() };
        var leaderId = await LeaderAsync();
        var leader = nodes.Single(node => leaderId.StartsWith(ClusterNodes.NodeId(node) + "/", StringComparison.Ordinal));
        var follower = nodes.Single(node => node != leader);
        var token = (await leader.GetTokenAsync()).AccessToken;
        var (onLeader, leaderQuotes) = await leader.ConnectWithAsync(token);
        var (onFollower, followerQuotes) = await follower.ConnectWithAsync(token);
        await using var _ = onLeader;
        await using var __ = onFollower;
        var closed = 0;
        foreach (var connection in new[] { onLeader, onFollower })
        {
            await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
            connection.Closed += _ => Task.FromResult(Interlocked.Increment(ref closed));
        }

        await followerQuotes.NextAsync();
        using var onFollowerHttp = follower.CreateClient(token);

        await _cluster.Redis.KillAsync();

        // The leader's own connections go on getting the simulator's quotes.
        var beforeOutage = leaderQuotes.Drain().LastOrDefault() ?? await leaderQuotes.NextAsync();
        var duringOutage = await leaderQuotes.UntilAsync(q => q.Sequence >= beforeOutage.Sequence + 5);
        Assert.Equal(Enumerable.Range(1, duringOutage.Count).Select(i => beforeOutage.Sequence + i), duringOutage.Select(q => q.Sequence));

        foreach (var node in nodes)
        {
            using var health = await node.CreateClient().GetAsync("/healthz").DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var report = await health.Content.ReadAsStringAsync();
            Assert.StartsWith("Degraded", report, StringComparison.Ordinal);
            Assert.Contains("redis: Degraded: Redis at", report, StringComparison.Ordinal);
        }

        using (var ticket = await onFollowerHttp.PostAsync("/api/auth/ticket", null).DefaultTimeout())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ticket.StatusCode);
            Assert.NotNull(ticket.Headers.RetryAfter);
            Assert.Contains("Redis", await ticket.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var lastLocal = leaderQuotes.Drain().LastOrDefault() ?? duringOutage[^1];
        await _cluster.Redis.RestartAsync();

        // Back by itself: healthy, tickets again, and the follower hears the leader's quotes, past every sequence the
        // leader gave on its own meanwhile.
        await TaskTimeoutExtensions.WaitUntilAsync(() => nodes.All(node => Healthy(node).Result), Recovery);
        var resumed = (await followerQuotes.UntilAsync(q => q.Sequence > lastLocal.Sequence, Recovery)).Last();
        Assert.True(resumed.Sequence > lastLocal.Sequence);
        using (var ticket = await onFollowerHttp.PostAsync("/api/auth/ticket", null).DefaultTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, ticket.StatusCode);
        }

        Assert.Equal(0, closed);
        Assert.Equal(HubConnectionState.Connected, onFollower.State);
    }

    private async Task<string> LeaderAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.ConnectionString).DefaultTimeout();
        RedisValue leader = default;
        await TaskTimeoutExtensions.WaitUntilAsync(() => !(leader = redis.GetDatabase().StringGet("ticker:leader:simulated")).IsNull);
        return leader!;
    }

    private static async Task<bool> Healthy(TickerAppFactory node)
    {
        using var health = await node.CreateClient().GetAsync("/healthz");
        return await health.Content.ReadAsStringAsync() == "Healthy";
    }
}
