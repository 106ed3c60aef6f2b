using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Storage;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Ticker;

/// <summary>
/// A connection keeps up with its key: it refreshes its token in band without reconnecting, closes when the token it
/// holds expires, and follows a change of its key's symbols or role at once. Time is fake, so lifetimes of seconds
/// pass in an instant. Real sockets: a WebSocket sends its token once, at connect, as browsers and the clients do
/// (long polling sends one with every request, so there the client's token provider must hand out the refreshed one).
/// </summary>
public sealed class LiveSessionTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private TickerAppFactory _app = App();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static TickerAppFactory App(string? postgres = null) =>
        new(kestrel: true) { PostgresConnectionString = postgres, Settings = { ["Auth:TokenLifetime"] = "00:00:06" } };

    /// <summary>Runs this test's app on <paramref name="provider"/> (it has not started yet).</summary>
    private async Task UseAsync(DatabaseProvider provider)
    {
        if (await postgres.CreateDatabaseAsync(provider) is { } database)
        {
            await _app.DisposeAsync();
            _app = App(database);
        }
    }

    [Fact]
    public async Task ASixSecondToken_RefreshedTwice_KeepsOneConnectionOpenFor15Seconds_WithNoGap()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        var closed = Closed(hub);
        var connectionId = hub.ConnectionId;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        var received = new List<Quote>();
        while (received.Count < 150)
        {
            // A token's exp is whole seconds: refreshed at 5 s and 10 s it ends at 11 s and at 16 s, after the last
            // tick (15 s); refreshed a tick earlier it would end at the last tick.
            if (received.Count is 50 or 100)
            {
                var token = await _app.GetTokenAsync();
                var refreshed = await hub.InvokeAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), token.AccessToken).DefaultTimeout();
                Assert.Equal(_app.Time!.GetUtcNow().AddSeconds(6), refreshed.ExpiresAt, TimeSpan.FromSeconds(1));
                Assert.Equal(["*"], refreshed.Symbols);
                Assert.Empty(refreshed.Removed);
            }

            received.AddRange(await NextTickAsync(quotes));
        }


        Assert.False(closed.IsCompleted, "the connection closed although its token was refreshed");
        Assert.Equal(connectionId, hub.ConnectionId);
        Assert.Equal(Enumerable.Range(1, 150).Select(i => (long)i), received.Select(q => q.Sequence));

        // Without another refresh, it closes when the last token expires.
        _app.Time!.Advance(TimeSpan.FromSeconds(6));
        await closed.DefaultTimeout();
    }

    /// <summary>Moves the clock one tick and reads its quote.</summary>
    private async Task<List<Quote>> NextTickAsync(QuoteRecorder quotes)
    {
        _app.Tick();
        return await quotes.UntilAsync(_ => true);
    }

    [Fact]
    public async Task WithoutARefresh_TheConnectionClosesWhenItsTokenExpires()
    {
        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;
        var closed = Closed(hub);
        _app.Time!.Advance(TimeSpan.FromSeconds(5));
        await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
        Assert.False(closed.IsCompleted, "closed before its token expired");
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        await closed.DefaultTimeout();
    }

    [Fact]
    public async Task RefreshWithABadToken_IsRefused_AndChangesNothing()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        // A token that will be past its lifetime and the 5 s skew, while the connection refreshes its own to stay open.
        var expired = (await _app.GetTokenAsync()).AccessToken;
        for (var i = 0; i < 3; i++)
        {
            _app.Time!.Advance(TimeSpan.FromSeconds(4));
            await hub.InvokeAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), (await _app.GetTokenAsync()).AccessToken).DefaultTimeout();
        }

        var live = Live(hub);
        var (tokenId, expiresAt) = (live.TokenId, live.ExpiresAt);
        var other = await _app.GetTokenAsync(await _app.CreateKeyAsync("user", "BTC-USD"));
        var tampered = (await _app.GetTokenAsync()).AccessToken;
        tampered = tampered[..^4] + (tampered[^4] == 'A' ? "BBBB" : "AAAA");
        var revoked = (await _app.GetTokenAsync()).AccessToken;
        using (var client = _app.CreateClient(revoked))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/auth/token")).StatusCode);
        }

        var ticket = await TicketAsync((await _app.GetTokenAsync()).AccessToken);
        foreach (var (token, reason) in new[]
        {
            (other.AccessToken, "issued from another API key"),
            (tampered, "not valid"),
            (revoked, "revoked"),
            (expired, "expired"),
            ("not-a-jwt", "not valid"),
            ("", "needs an access token"),
            (ticket, "ticket cannot refresh"),
        })
        {
            var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), token).DefaultTimeout());
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            Assert.Equal((tokenId, expiresAt), (live.TokenId, live.ExpiresAt));
        }

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeCoreAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), [null]).DefaultTimeout());
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeCoreAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), [42]).DefaultTimeout());
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeCoreAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), [new[] { "a", "b" }]).DefaultTimeout());
        Assert.Equal(HubConnectionState.Connected, hub.State);
        _app.Tick();
        Assert.Equal("BTC-USD", (await quotes.UntilAsync(q => q.Symbol == "BTC-USD")).Last().Symbol);
    }

    [Fact]
    public async Task RevokingTheRefreshedToken_ClosesTheConnection_RevokingTheOldOneNoLongerDoes()
    {
        var first = await _app.GetTokenAsync();
        var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(first.AccessToken));
        await using var _hub = hub;
        await hub.StartAsync().DefaultTimeout();
        var closed = Closed(hub);
        var second = await _app.GetTokenAsync();
        await hub.InvokeAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), second.AccessToken).DefaultTimeout();

        using (var old = _app.CreateClient(first.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await old.DeleteAsync("/api/auth/token")).StatusCode);
        }

        await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
        Assert.False(closed.IsCompleted, "revoking the token the connection no longer holds closed it");

        using (var current = _app.CreateClient(second.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await current.DeleteAsync("/api/auth/token")).StatusCode);
        }

        await closed.DefaultTimeout(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task NarrowingAKeysSymbols_EndsThoseSubscriptionsAtOnce_WithUnsubscribed_AndNoLaterQuote()
    {
        var (keyId, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD", "ETH-USD", "SOL-USD");
        var token = await _app.GetTokenAsync(secret);
        var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(token.AccessToken));
        await using var _hub = hub;
        var quotes = new QuoteRecorder(hub);
        var unsubscribed = new TaskCompletionSource<(string[] Symbols, string Reason)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lateQuotes = 0;
        hub.On<string[], string>(nameof(ITickerClient.Unsubscribed), (symbols, reason) => unsubscribed.TrySetResult((symbols, reason)));
        hub.On<Quote>(nameof(ITickerClient.Quote), q =>
        {
            if (unsubscribed.Task.IsCompleted && q.Symbol != "BTC-USD")
            {
                Interlocked.Increment(ref lateQuotes);
            }
        });
        await hub.StartAsync().DefaultTimeout();
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD", "SOL-USD" }).DefaultTimeout();
        _app.Tick();
        await quotes.UntilAsync(q => q.Symbol == "SOL-USD");

        using var admin = await AdminAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var patched = await admin.PatchAsJsonAsync($"/api/admin/keys/{keyId}", new UpdateKeyRequest(Symbols: ["BTC-USD"])).DefaultTimeout();
        var (symbols, reason) = await unsubscribed.Task.DefaultTimeout(TimeSpan.FromSeconds(1));
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(["BTC-USD"], (await patched.Content.ReadFromJsonAsync<KeySummary>())!.Symbols);
        Assert.Equal(["ETH-USD", "SOL-USD"], symbols.Order());
        Assert.Equal(UnsubscribedReasons.EntitlementRemoved, reason);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"the change reached the connection after {elapsed.TotalMilliseconds} ms");
        for (var i = 0; i < 5; i++)
        {
            _app.Tick();
            await quotes.UntilAsync(q => q.Symbol == "BTC-USD");
        }

        Assert.Equal(0, Volatile.Read(ref lateQuotes));
        Assert.Equal(["BTC-USD"], await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());

        // The old token grants no more than the key now allows, anywhere.
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ETH-USD" }).DefaultTimeout());
        Assert.Contains("'ETH-USD' is not included", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SymbolRecovery[]>(nameof(ITickerHub.Resume), new[] { new SymbolPosition("SOL-USD", 0) }).DefaultTimeout());
        using var client = _app.CreateClient(token.AccessToken);
        Assert.Equal(["BTC-USD"], (await client.GetFromJsonAsync<InstrumentInfo[]>("/api/symbols"))!.Select(s => s.Symbol));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/symbols/ETH-USD/history")).StatusCode);

        // Widening applies at once too, with the same token.
        using var widened = await admin.PatchAsJsonAsync($"/api/admin/keys/{keyId}", new UpdateKeyRequest(Symbols: ["*"])).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, widened.StatusCode);
        Assert.Single(await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "DOT-USD" }).DefaultTimeout());
    }

    [Fact]
    public async Task ARoleChange_RevokesTheKeysTokens_AndClosesItsConnections()
    {
        var (keyId, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        var token = await _app.GetTokenAsync(secret);
        var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(token.AccessToken));
        await using var _hub = hub;
        await hub.StartAsync().DefaultTimeout();
        var closed = Closed(hub);

        using var admin = await AdminAsync();
        using var patched = await admin.PatchAsJsonAsync($"/api/admin/keys/{keyId}", new UpdateKeyRequest(Role: "publisher")).DefaultTimeout();

        Assert.Equal("publisher", (await patched.Content.ReadFromJsonAsync<KeySummary>())!.Role);
        await closed.DefaultTimeout(TimeSpan.FromSeconds(1));
        using var old = _app.CreateClient(token.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal("publisher", (await _app.GetTokenAsync(secret)).Role);
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.BadRequest, "at least one of name, symbols and role")]
    [InlineData("{\"role\":\"boss\"}", HttpStatusCode.BadRequest, "role")]
    [InlineData("{\"symbols\":[\"NOPE-USD\"]}", HttpStatusCode.BadRequest, "NOPE-USD")]
    [InlineData("{\"symbols\":[]}", HttpStatusCode.BadRequest, "symbols")]
    [InlineData("{\"name\":\"  \"}", HttpStatusCode.BadRequest, "name")]
    public async Task PatchingAKey_WithBadInput_IsAValidationProblemNamingTheField(string body, HttpStatusCode status, string detail)
    {
        var (keyId, _) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        using var admin = await AdminAsync();
        using var response = await admin.PatchAsync($"/api/admin/keys/{keyId}", new StringContent(body, System.Text.Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatchingAnUnknownKey_Is404()
    {
        using var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PatchAsJsonAsync($"/api/admin/keys/{Guid.NewGuid()}", new UpdateKeyRequest("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PatchAsJsonAsync("/api/admin/keys/not-a-guid", new UpdateKeyRequest("x"))).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task TheKeysCommand_ChangesAKey_AndTheRunningServerAppliesItWithinItsSweep(DatabaseProvider provider)
    {
        await UseAsync(provider);
        var (keyId, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD", "ETH-USD");
        var (hub, _) = await _app.ConnectAsync(secret);
        await using var _hub = hub;
        var unsubscribed = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<string[], string>(nameof(ITickerClient.Unsubscribed), (symbols, _) => unsubscribed.TrySetResult(symbols));
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout();

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await KeysCommand.RunAsync(["update", keyId.ToString(), "--symbols", "ETH-USD"], _app.Services, output, error, CancellationToken.None));
        Assert.Contains("Updated key", output.ToString(), StringComparison.Ordinal);
        Assert.False(unsubscribed.Task.IsCompleted);

        _app.Time!.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["BTC-USD"], await unsubscribed.Task.DefaultTimeout());
    }

    private async Task<HttpClient> AdminAsync() => _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);

    private async Task<string> TicketAsync(string token)
    {
        using var client = _app.CreateClient(token);
        using var response = await client.PostAsync("/api/auth/ticket", null);
        return (await response.Content.ReadFromJsonAsync<TicketResponse>())!.Ticket;
    }

    private LiveConnection Live(HubConnection hub)
    {
        Assert.True(_app.Services.GetRequiredService<LiveConnections>().TryGet(hub.ConnectionId!, out var live));
        return live;
    }

    private static Task Closed(HubConnection hub)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}
