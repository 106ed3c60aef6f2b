using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Tests.Fixtures;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>Three nodes sharing one Redis behave as one gateway: keys, tokens, tickets, quotes, revocations and caps.</summary>
[Collection(ClusterSerial.Name)]
public sealed class ClusterGatewayTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task KeyCreatedOnOne_GetsATokenOnAnother_AndTheTokenWorksOnEvery()
    {
        using var admin = await cluster.A.ClientAsync();
        var key = await admin.CreateKeyAsync("user", "BTC-USD");

        var token = await cluster.B.GetTokenAsync(key);

        foreach (var node in cluster.Nodes)
        {
            using var client = node.CreateClient(token.AccessToken);
            using var me = await client.GetAsync("/api/auth/me").DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
            var (connection, _) = await node.ConnectWithAsync(token.AccessToken);
            await using (connection)
            {
                Assert.Single(await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout());
            }
        }
    }

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task SimulatedQuote_ArrivesOnAllThree_WithTheSameSequenceAndPrice()
    {
        var token = (await cluster.A.GetTokenAsync()).AccessToken;
        var connections = new List<(HubConnection Connection, QuoteRecorder Quotes)>();
        try
        {
            foreach (var node in cluster.Nodes)
            {
                var connected = await node.ConnectWithAsync(token);
                connections.Add(connected);
                await connected.Connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ETH-USD" }).DefaultTimeout();
            }

            connections[0].Quotes.Drain();
            var first = await connections[0].Quotes.NextAsync();
            foreach (var (_, quotes) in connections.Skip(1))
            {
                var seen = (await quotes.UntilAsync(q => q.Sequence >= first.Sequence)).Single(q => q.Sequence == first.Sequence);
                Assert.Equal(first, seen);
            }
        }
        finally
        {
            foreach (var (connection, _) in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task InstrumentAddedAndQuotePublishedOnA_ReachC_AndItsRemovalEndsTheSubscriptionOnC()
    {
        using var adminA = await cluster.A.ClientAsync();
        using var adminC = await cluster.C.ClientAsync();
        (await adminA.PostAsJsonAsync("/api/admin/symbols", new { symbol = "CLUSTER-A", source = "published" }).DefaultTimeout()).EnsureSuccessStatusCode();
        await TaskTimeoutExtensions.WaitUntilAsync(() => SymbolsOf(adminC).Result.Contains("CLUSTER-A"));

        var (connection, quotes) = await cluster.C.ConnectWithAsync((await cluster.C.GetTokenAsync()).AccessToken);
        await using var _ = connection;
        var unsubscribed = new TaskCompletionSource<string[]>();
        connection.On<string[], string>(nameof(ITickerClient.Unsubscribed), (symbols, _) => unsubscribed.TrySetResult(symbols));
        Assert.Empty(await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "CLUSTER-A" }).DefaultTimeout());

        using var published = await adminA.PostAsJsonAsync("/api/quotes", new[] { new { symbol = "CLUSTER-A", price = 12.5m } }).DefaultTimeout();
        published.EnsureSuccessStatusCode();
        Assert.Equal(new PublishResult(1, 0), await published.Content.ReadFromJsonAsync<PublishResult>().DefaultTimeout());
        var quote = (await quotes.UntilAsync(q => q.Symbol == "CLUSTER-A")).Last();
        Assert.Equal(12.5m, quote.Price);
        Assert.True(quote.Sequence > 0);

        (await adminA.DeleteAsync("/api/admin/symbols/CLUSTER-A").DefaultTimeout()).EnsureSuccessStatusCode();
        Assert.Equal(["CLUSTER-A"], await unsubscribed.Task.DefaultTimeout());
        await TaskTimeoutExtensions.WaitUntilAsync(() => !SymbolsOf(adminC).Result.Contains("CLUSTER-A"));
    }

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task TokenRevokedOnA_ClosesItsConnectionOnC_WithinOneSecond()
    {
        var token = (await cluster.C.GetTokenAsync()).AccessToken;
        var (connection, _) = await cluster.C.ConnectWithAsync(token);
        await using var _ = connection;
        var closed = new TaskCompletionSource();
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        using var onA = cluster.A.CreateClient(token);
        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.NoContent, (await onA.DeleteAsync("/api/auth/token").DefaultTimeout()).StatusCode);

        await closed.Task.DefaultTimeout(OneSecond);
        Assert.True(clock.Elapsed < OneSecond, $"closed after {clock.Elapsed.TotalMilliseconds} ms");
        using var onB = cluster.B.CreateClient(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.GetAsync("/api/auth/me").DefaultTimeout()).StatusCode);
    }

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task TicketFromA_WorksOnceOnB_AndThenOnNoNode()
    {
        using var onA = await cluster.A.ClientAsync(TickerAppFactory.DemoKey);
        using var issued = await onA.PostAsync("/api/auth/ticket", null).DefaultTimeout();
        issued.EnsureSuccessStatusCode();
        var ticket = (await issued.Content.ReadFromJsonAsync<TicketResponse>().DefaultTimeout())!.Ticket;

        // The .NET client negotiates and opens its WebSocket with the ticket: one connection, two requests.
        var (connection, _) = await cluster.B.ConnectWithAsync(ticket);
        await using (connection)
        {
            Assert.Single(await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout());
        }

        foreach (var node in cluster.Nodes)
        {
            using var anonymous = node.CreateClient();
            using var again = await anonymous.PostAsync($"/hubs/ticker/negotiate?negotiateVersion=1&access_token={ticket}", null).DefaultTimeout();
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }
    }

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task PerKeyCap_CountsTheConnectionsOfEveryNode()
    {
        using var admin = await cluster.A.ClientAsync();
        var key = await admin.CreateKeyAsync("user", "*");
        var token = (await cluster.A.GetTokenAsync(key)).AccessToken;
        var (onA, _) = await cluster.A.ConnectWithAsync(token);
        var (onB, _) = await cluster.B.ConnectWithAsync(token);
        await using var _ = onB;

        // The handshake completes before the server registers the connection; an answered call comes after it.
        await onA.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        await onB.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => cluster.C.ConnectWithAsync(token));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        await onA.DisposeAsync();
        HubConnection? onC = null;
        await TaskTimeoutExtensions.WaitUntilAsync(() =>
        {
            try
            {
                onC = cluster.C.ConnectWithAsync(token).Result.Connection;
                return true;
            }
            catch (AggregateException e) when (e.InnerException is HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests })
            {
                return false;
            }
        });
        await onC!.DisposeAsync();
    }

    [ServerFact(Needs.Redis | Needs.Postgres)]
    public async Task ClientDroppedFromA_ResumesOnB_WithEveryQuoteItMissed()
    {
        var token = (await cluster.A.GetTokenAsync()).AccessToken;
        var (onA, quotesA) = await cluster.A.ConnectWithAsync(token);
        await onA.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "SOL-USD" }).DefaultTimeout();
        var last = await quotesA.NextAsync();
        await onA.DisposeAsync();

        // Quotes go on while the client is away.
        var (watcher, watched) = await cluster.C.ConnectWithAsync(token);
        await using (watcher)
        {
            await watcher.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "SOL-USD" }).DefaultTimeout();
            await watched.UntilAsync(q => q.Sequence >= last.Sequence + 5);
        }

        var (onB, quotesB) = await cluster.B.ConnectWithAsync(token);
        await using var _ = onB;
        var recovery = Assert.Single(await onB.InvokeAsync<SymbolRecovery[]>(nameof(ITickerHub.Resume), new[] { new SymbolPosition("SOL-USD", last.Sequence) }).DefaultTimeout());

        Assert.True(recovery.Recovered);
        Assert.True(recovery.Quotes.Length >= 5);
        Assert.Equal(Enumerable.Range(1, recovery.Quotes.Length).Select(i => last.Sequence + i), recovery.Quotes.Select(q => q.Sequence));
        var live = await quotesB.NextAsync();
        Assert.True(live.Sequence <= recovery.Quotes[^1].Sequence + 1, "a live quote after the recovered ones leaves no gap");
    }

    private static async Task<List<string>> SymbolsOf(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<List<SymbolEntry>>("/api/symbols").DefaultTimeout())!.Select(s => s.Symbol)];

    private sealed record SymbolEntry(string Symbol);
}
