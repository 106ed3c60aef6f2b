
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using SignalRTicker.ConsoleClient;
using SignalRTicker.Client;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>The console client's reusable connection against a real server on a loopback port.</summary>
public sealed class TickerConnectionTests : IAsyncLifetime
{
    private readonly ConnectionTracker _tracker = new();
    private readonly TickerAppFactory _app;

    public TickerConnectionTests()
    {
        _app = new TickerAppFactory(fakeTime: false, kestrel: true)
        {
            TestServices = _tracker.Register,
        };
        _app.Settings["Ticker:IntervalMs"] = "20";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Run_ReceivesQuotesForEverySubscribedSymbol_InSequence()
    {
        await using var client = new ClientHarness(_app.BaseAddress, "BTC-USD", "eth-usd");

        var btc = await client.NextQuoteAsync(q => q.Symbol == "BTC-USD");
        var eth = await client.NextQuoteAsync(q => q.Symbol == "ETH-USD");
        var later = await client.NextQuoteAsync(q => q.Symbol == "BTC-USD" && q.Sequence > btc.Sequence);

        Assert.True(btc.Price > 0 && eth.Price > 0);
        Assert.True(later.Timestamp >= btc.Timestamp);
        Assert.Equal(TickerConnectionState.Connected, client.Connection.Status.State);
        Assert.True(client.Connection.Stats.QuotesReceived >= 3);
        Assert.Equal(1, client.Connection.Stats.TokensIssued);
    }

    [Fact]
    public async Task Run_OverMessagePack_ReceivesTheSameQuotes()
    {
        await using var client = new ClientHarness(
            ClientHarness.Options(_app.BaseAddress, TickerAppFactory.DemoKey, "BTC-USD") with { Protocol = TickerProtocol.MessagePack });

        var first = await client.NextQuoteAsync();
        var next = await client.NextQuoteAsync(q => q.Sequence > first.Sequence);

        Assert.Equal("BTC-USD", first.Symbol);
        Assert.True(first.Price > 0);
        Assert.Equal(Math.Round(first.Price, 2), first.Price);
        Assert.Equal(TimeSpan.Zero, first.Timestamp.Offset);
        Assert.True(next.Timestamp >= first.Timestamp);
    }

    [Fact]
    public async Task ServerDropsConnection_ReconnectsAndResumesWithNoGap()
    {
        await using var client = new ClientHarness(_app.BaseAddress, "BTC-USD");
        var before = await client.NextQuoteAsync();
        var first = Assert.Single(_tracker.Open).ConnectionId;

        Assert.Equal(1, _tracker.AbortAll());

        await client.NextStateAsync(TickerConnectionState.Reconnecting);
        await client.NextStateAsync(TickerConnectionState.Connected);
        var reconnectedAt = DateTimeOffset.UtcNow;
        var after = await client.NextQuoteAsync(q => q.Timestamp > reconnectedAt); // only the new connection can bring it

        var second = Assert.Single(_tracker.Open).ConnectionId;
        Assert.NotEqual(first, second);
        // Back from where it was: the symbol is resumed from its last sequence rather than subscribed afresh.
        Assert.Contains((second, nameof(ITickerHub.Resume)), _tracker.Calls);
        Assert.DoesNotContain((second, nameof(ITickerHub.Subscribe)), _tracker.Calls);
        Assert.Equal("BTC-USD", after.Symbol);
        Assert.True(after.Sequence > before.Sequence);
        Assert.Equal(1, client.Connection.Stats.Reconnects);
        Assert.Equal(0, client.Connection.Stats.Gaps);
    }

    [Fact]
    public async Task ServerRestarts_ClientReconnectsWithANewTokenAndFollowsTheNewSequence()
    {
        var port = FreePort();
        var first = new TickerAppFactory(fakeTime: false, kestrel: true, port: port);
        await using var client = new ClientHarness(first.BaseAddress, "BTC-USD");
        await client.NextQuoteAsync();

        await first.DisposeAsync();
        await client.NextStateAsync(TickerConnectionState.Reconnecting);
        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = new TickerAppFactory(fakeTime: false, kestrel: true, port: port);
        _ = second.BaseAddress; // starts it
        await client.NextStateAsync(TickerConnectionState.Connected);
        var after = await client.NextQuoteAsync(q => q.Timestamp > restartedAt); // skips the old server's last quotes
        var next = await client.NextQuoteAsync();

        // The new server signs with a new key, so the old token is refused and a new one fetched.
        Assert.True(client.Connection.Stats.TokensIssued >= 2);
        Assert.Equal("BTC-USD", after.Symbol);
        Assert.Equal(after.Sequence + 1, next.Sequence);
    }

    [Fact]
    public async Task BadKey_FailsWithTheAuthenticationExitCodeAndTheServersReason()
    {
        await using var client = new ClientHarness(ClientHarness.Options(_app.BaseAddress, "stk_not_a_real_key", "BTC-USD"));

        var failure = await Assert.ThrowsAsync<TickerClientException>(() => client.Run.DefaultTimeout());

        Assert.Equal(TickerFailure.Authentication, failure.Failure);
        Assert.Equal(3, ExitCodes.For(failure.Failure));
        Assert.Contains("401", failure.Message);
        Assert.Contains("unknown or has been revoked", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.DoesNotContain("stk_not_a_real_key", failure.Message);
    }

    [Fact]
    public async Task NotEntitledSymbol_FailsWithTheSubscriptionExitCodeNamingTheSymbol()
    {
        var key = await _app.CreateKeyAsync("user", "BTC-USD");
        await using var client = new ClientHarness(ClientHarness.Options(_app.BaseAddress, key, "BTC-USD", "ETH-USD"));

        var failure = await Assert.ThrowsAsync<TickerClientException>(() => client.Run.DefaultTimeout());

        Assert.Equal(TickerFailure.SubscriptionRefused, failure.Failure);
        Assert.Equal(4, ExitCodes.For(failure.Failure));
        Assert.StartsWith("Subscription refused: 'ETH-USD' is not included in your API key's entitlements", failure.Message);
    }

    [Fact]
    public async Task UnreachableServer_GivesUpAfterMaxRetries()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePort()}/");
        await using var client = new ClientHarness(ClientHarness.Options(nobody, TickerAppFactory.DemoKey, "BTC-USD") with { MaxRetries = 2 });

        var failure = await Assert.ThrowsAsync<TickerClientException>(() => client.Run.DefaultTimeout());

        Assert.Equal(TickerFailure.Unreachable, failure.Failure);
        Assert.Equal(5, ExitCodes.For(failure.Failure));
        Assert.Contains($"Could not connect to {nobody}: 3 attempts failed (the first and 2 retries); the last: ", failure.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ServerDown_MakesTheFirstAttemptAndExactlyMaxRetriesRetries(int maxRetries)
    {
        await using var down = await DownServer.StartAsync();
        await using var client = new ClientHarness(ClientHarness.Options(down.Url, TickerAppFactory.DemoKey, "BTC-USD") with { MaxRetries = maxRetries });

        var failure = await Assert.ThrowsAsync<TickerClientException>(() => client.Run.DefaultTimeout());

        Assert.Equal(TickerFailure.Unreachable, failure.Failure);
        Assert.Equal(maxRetries + 1, down.Requests);
        var retries = client.History.Where(s => s.State == TickerConnectionState.Reconnecting).ToList();
        Assert.Equal(Enumerable.Range(1, maxRetries), retries.Select(s => s.Retry));
        Assert.All(retries, s => Assert.Equal(maxRetries, s.MaxRetries));
        Assert.All(retries, s => Assert.Equal("HTTP 502 BadGateway", s.Reason));
        var attempts = maxRetries == 0 ? "1 attempt failed (the first and no retries)" : $"{maxRetries + 1} attempts failed (the first and {maxRetries} retr";
        Assert.Contains(attempts, failure.Message);
    }

    [Fact]
    public async Task RateLimitedTokenRequest_WaitsTheServersRetryAfter_AndDoesNotCountAsARetry()
    {
        _app.Settings["RateLimits:TokenPerMinute"] = "1";
        using (var http = new HttpClient())
        {
            // This address's one token request of the minute.
            using var first = await http.PostAsJsonAsync(new Uri(_app.BaseAddress, "api/auth/token"), new { apiKey = TickerAppFactory.DemoKey }).DefaultTimeout();
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // No retries allowed: had the 429 counted as a failed attempt, the connection would give up at once.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var recorder = new ResponseRecorder();
        await using var client = new ClientHarness(
            ClientHarness.Options(_app.BaseAddress, TickerAppFactory.DemoKey, "BTC-USD") with { MaxRetries = 0 }, recorder, time);

        var (status, retryAfter) = await recorder.NextAsync();
        var waiting = await client.NextStateAsync(TickerConnectionState.Reconnecting);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.NotNull(retryAfter);
        Assert.True(waiting.RateLimited);
        Assert.Equal(retryAfter, waiting.RetryIn);
        Assert.Equal(0, waiting.Retry);
        Assert.StartsWith("The server is rate-limiting token requests: Too many token requests from your address", waiting.Reason);
        Assert.False(client.Run.IsCompleted);

        // The wait is the server's, on the connection's clock: when it has passed, the token is asked for again.
        time.Advance(retryAfter.Value);
        var (again, _) = await recorder.NextAsync();

        Assert.True(again is HttpStatusCode.TooManyRequests or HttpStatusCode.OK, $"the retry was answered {again}");
        Assert.False(client.Run.IsFaulted);
    }

    [Fact]
    public void Options_ThatCannotWork_AreRefusedWhenTheConnectionIsMade()
    {
        using var http = new HttpClient();
        var good = new TickerConnectionOptions(new Uri("http://127.0.0.1:5080"), "stk_a_secret_key", ["BTC-USD"]);

        Assert.Throws<ArgumentException>("ServerUrl", () => new TickerConnection(good with { ServerUrl = new Uri("ftp://127.0.0.1/") }, http));
        Assert.Throws<ArgumentException>("ApiKey", () => new TickerConnection(good with { ApiKey = " " }, http));
        Assert.Throws<ArgumentException>("Symbols", () => new TickerConnection(good with { Symbols = ["BTC-USD", " "] }, http));
        Assert.Throws<ArgumentOutOfRangeException>("MaxRetries", () => new TickerConnection(good with { MaxRetries = -1 }, http));
        Assert.DoesNotContain("stk_a_secret_key", good.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RetryPolicy_BacksOffExponentiallyWithJitter_AndStopsOnlyWhenToldTo()
    {
        var forever = new BackoffRetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var limited = new BackoffRetryPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), maxRetries: 3);

        for (var attempt = 0; attempt < 10; attempt++)
        {
            var delay = forever.NextRetryDelay(new() { PreviousRetryCount = attempt })!.Value;
            var ceiling = Math.Min(Math.Pow(2, attempt), 30);
            Assert.InRange(delay.TotalSeconds, ceiling / 2, ceiling);
        }

        Assert.NotNull(forever.NextRetryDelay(new() { PreviousRetryCount = 10_000 }));
        Assert.NotNull(limited.NextRetryDelay(new() { PreviousRetryCount = 2 }));
        Assert.Null(limited.NextRetryDelay(new() { PreviousRetryCount = 3 }));
    }

    /// <summary>A loopback port nothing listens on (for a moment): bound, read, released.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
