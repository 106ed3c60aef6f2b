using Microsoft.Extensions.Time.Testing;
using SignalRTicker.Client;
using SignalRTicker.ConsoleClient;
using SignalRTicker.ConsoleClient.Views;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// The client library hands its live connection a new token in band (the hub's <c>RefreshToken</c>) before the one it
/// holds expires, against a real server on a loopback port: a long session is one connection; a refused refresh stops
/// it when the key is gone, and otherwise makes the connection again with a new token.
/// </summary>
public sealed class TickerConnectionRefreshTests : IAsyncLifetime
{
    private readonly ConnectionTracker _tracker = new();
    private readonly TickerAppFactory _app;

    public TickerConnectionRefreshTests()
    {
        _app = new TickerAppFactory(fakeTime: false, kestrel: true) { TestServices = _tracker.Register };
        _app.Settings["Ticker:IntervalMs"] = "50";
        // A key revoked in the database alone (as the keys command does) stays unknown to the running server, so it
        // does not close the connection while a test has the client refresh.
        _app.Settings["Revocation:SweepInterval"] = "01:00:00";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task FiveSecondTokens_HalfAMinute_OneConnection_RefreshedInBand_WithNoReconnectAndNoGap()
    {
        _app.Settings["Auth:TokenLifetime"] = "00:00:05";
        await using var client = new ClientHarness(_app.BaseAddress, "BTC-USD");
        var start = (await client.NextTokenAsync()).IssuedAt;
        var quotes = new List<Quote> { await client.NextQuoteAsync() };
        var connectionId = Assert.Single(_tracker.Open).ConnectionId;

        // Six token lifetimes: without a refresh the server would have closed the connection five times by now.
        while (DateTimeOffset.UtcNow - start < TimeSpan.FromSeconds(30))
        {
            quotes.Add(await client.NextQuoteAsync());
        }

        var stats = client.Connection.Stats;
        var refreshes = client.DrainRefreshes();
        Assert.Equal(connectionId, Assert.Single(_tracker.Open).ConnectionId);
        Assert.All(_tracker.Calls, call => Assert.Equal(connectionId, call.ConnectionId));
        Assert.Equal([TickerConnectionState.Connecting, TickerConnectionState.Connected], client.History.Select(status => status.State));
        Assert.Equal(0, stats.Reconnects);
        Assert.Equal(0, stats.Gaps);
        Assert.Equal(Enumerable.Range(0, quotes.Count).Select(i => quotes[0].Sequence + i), quotes.Select(q => q.Sequence));
        Assert.InRange(stats.TokensRefreshed, 5, 15);
        // A refresh may be under way as the counters are read: its token issued, its call not yet answered.
        Assert.InRange(_tracker.Calls.Count(call => call.Method == nameof(ITickerHub.RefreshToken)) - stats.TokensRefreshed, 0, 1);
        Assert.InRange(stats.TokensIssued - stats.TokensRefreshed, 1, 2);
        Assert.True(refreshes.Count >= 5, $"{refreshes.Count} TokenRefreshed events");
        Assert.All(refreshes, refreshed => Assert.Empty(refreshed.Removed));
        Assert.Equal(refreshes.Select(r => r.ExpiresAt).Order(), refreshes.Select(r => r.ExpiresAt));
        Assert.True(refreshes[^1].ExpiresAt > start.AddSeconds(30), $"the last refresh keeps the connection until {refreshes[^1].ExpiresAt:O}");
    }

    [Fact]
    public async Task RefreshRefused_AndTheKeyRevoked_StopsWithTheAuthenticationFailure_WithoutReconnecting()
    {
        var (keyId, key) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        using var interceptor = new TokenInterceptor(async (number, issued) =>
        {
            if (number == 2)
            {
                // Between the refresh token's issue and its use, the key is revoked: the hub refuses the token.
                await RevokeTokenAsync(issued.AccessToken);
                await _app.RevokeKeyAsync(keyId);
            }
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new ClientHarness(ClientHarness.Options(_app.BaseAddress, key, "BTC-USD"), interceptor, time);
        var first = await client.NextTokenAsync();
        await client.NextQuoteAsync();
        var connectionId = Assert.Single(_tracker.Open).ConnectionId;

        time.Advance(first.RefreshAt - time.GetUtcNow());
        var failure = await Assert.ThrowsAsync<TickerClientException>(() => client.Run.DefaultTimeout());

        Assert.Equal(TickerFailure.Authentication, failure.Failure);
        Assert.Equal(ExitCodes.Authentication, ExitCodes.For(failure.Failure));
        Assert.StartsWith("The server refused the API key (401", failure.Message);
        Assert.Contains("It had just refused the connection's token refresh: ", failure.Message);
        Assert.Contains("has been revoked", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.DoesNotContain(key, failure.Message, StringComparison.Ordinal);
        Assert.Contains((connectionId, nameof(ITickerHub.RefreshToken)), _tracker.Calls);
        Assert.DoesNotContain(client.History, status => status.State == TickerConnectionState.Reconnecting);
        Assert.Equal(TickerConnectionState.Stopped, client.Connection.Status.State);
        Assert.Equal((0, 0), (client.Connection.Stats.Reconnects, client.Connection.Stats.TokensRefreshed));
    }

    [Fact]
    public async Task RefreshRefused_WhileTheKeyIsGood_ReconnectsWithANewToken_ResumesWithNoGap_AndRefreshesInBandAgain()
    {
        using var interceptor = new TokenInterceptor(async (number, issued) =>
        {
            if (number == 2)
            {
                await RevokeTokenAsync(issued.AccessToken);
            }
        });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var client = new ClientHarness(ClientHarness.Options(_app.BaseAddress, TickerAppFactory.DemoKey, "BTC-USD"), interceptor, time);
        var first = await client.NextTokenAsync();
        var before = await client.NextQuoteAsync();
        var firstConnection = Assert.Single(_tracker.Open).ConnectionId;

        time.Advance(first.RefreshAt - time.GetUtcNow());
        var reconnecting = await client.NextStateAsync(TickerConnectionState.Reconnecting);
        time.Advance(reconnecting.RetryIn!.Value);
        await client.NextStateAsync(TickerConnectionState.Connected);
        var secondConnection = Assert.Single(_tracker.Open).ConnectionId;
        var held = (await client.NextTokenAsync(), await client.NextTokenAsync()).Item2; // the refused one, then the one reconnected with
        time.Advance(held.RefreshAt - time.GetUtcNow());
        var refreshed = await client.NextRefreshAsync();
        var refreshedAt = DateTimeOffset.UtcNow;
        var quotes = await client.QuotesUntilAsync(q => q.Timestamp > refreshedAt);

        Assert.StartsWith("the server refused the token refresh: RefreshToken refused; the connection keeps its token: ", reconnecting.Reason);
        Assert.NotEqual(firstConnection, secondConnection);
        Assert.Contains((secondConnection, nameof(ITickerHub.Resume)), _tracker.Calls);
        Assert.Contains((secondConnection, nameof(ITickerHub.RefreshToken)), _tracker.Calls);
        Assert.Empty(refreshed.Removed);
        var stats = client.Connection.Stats;
        Assert.Equal((1, 1, 0), (stats.Reconnects, stats.TokensRefreshed, stats.Gaps));
        Assert.Equal(Enumerable.Range(1, quotes.Count).Select(i => before.Sequence + i), quotes.Select(q => q.Sequence));
        Assert.False(client.Run.IsCompleted);
    }

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task ThreeSecondToken_IsRefreshedInBandBeforeTheServerClosesTheConnection()
    {
        _app.Settings["Auth:TokenLifetime"] = "00:00:03";
        await using var client = new ClientHarness(_app.BaseAddress, "BTC-USD");

        var first = await client.NextTokenAsync();
        await client.NextQuoteAsync();
        var refreshed = await client.NextRefreshAsync();
        var second = await client.NextTokenAsync();
        var quote = await client.NextQuoteAsync(q => q.Timestamp > first.IssuedAt.AddSeconds(4));

        // A JWT's times are whole seconds: the server's expiry may be up to a second before issue + lifetime.
        Assert.Equal(TimeSpan.FromSeconds(2), first.ExpiresAt - first.IssuedAt);
        Assert.True(second.IssuedAt < first.ExpiresAt, $"refreshed at {second.IssuedAt:O}, after the first token expired at {first.ExpiresAt:O}");
        Assert.True(refreshed.ExpiresAt > first.ExpiresAt);
        Assert.Equal(["*"], refreshed.Symbols);
        Assert.Equal("BTC-USD", quote.Symbol);
        Assert.Equal(0, client.Connection.Stats.Reconnects);
    }

    [Fact]
    public async Task Table_CountsTheTokensRefreshedInBand()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = ClientHarness.Options(_app.BaseAddress, TickerAppFactory.DemoKey, "BTC-USD");
        await using var client = new ClientHarness(options, time: time);
        var first = await client.NextTokenAsync();
        await client.NextStateAsync(TickerConnectionState.Connected);
        time.Advance(first.RefreshAt - time.GetUtcNow());
        await client.NextRefreshAsync();

        using var screen = new StringWriter();
        using var stop = new CancellationTokenSource();
        var view = new TableView(TestConsole.Create(screen), options, frame: TimeSpan.FromMilliseconds(50))
            .RunAsync(client.Connection, new StaleWatch(client.Connection, interval: null), stop.Token);
        await stop.CancelAsync();
        await view.DefaultTimeout();

        var text = screen.ToString();
        var caption = text[text.LastIndexOf("quotes ", StringComparison.Ordinal)..];
        Assert.Matches(@"reconnects 0\s+tokens 2\s+refreshed in band 1\s", caption);
    }

    /// <summary><c>DELETE /api/auth/token</c> with the token itself: the server refuses it from now on.</summary>
    private async Task RevokeTokenAsync(string accessToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(_app.BaseAddress, "api/auth/token"));
        request.Headers.Authorization = new("Bearer", accessToken);
        using var response = await http.SendAsync(request).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }
}
