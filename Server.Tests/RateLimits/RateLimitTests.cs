using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using System.Diagnostics.Metrics;
using SignalRTicker.Server.RateLimits;

namespace SignalRTicker.Server.Tests.RateLimits;

/// <summary>Abuse gets 429 with Retry-After and a problem; a flooding connection or key is stopped without hurting others.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private TickerAppFactory App(params (string Key, string Value)[] settings)
    {
        _app = new TickerAppFactory { TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()) };
        foreach (var (key, value) in settings)
        {
            _app.Settings[key] = value;
        }

        return _app;
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("Retry after", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task TokenRequests_OverThePerIpLimit_Get429WithRetryAfter()
    {
        var app = App(("RateLimits:TokenPerMinute", "2"));
        using var client = app.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            using var ok = await client.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await client.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey });
        await AssertTooManyAsync(refused);
    }

    [Fact]
    public async Task HubConnectAttempts_OverThePerIpLimit_Get429WithRetryAfter()
    {
        var app = App(("RateLimits:HubConnectPerMinute", "3"));
        var token = (await app.GetTokenAsync()).AccessToken;
        using var client = app.CreateClient(token);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", null);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await client.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", null);
        await AssertTooManyAsync(refused);
        using var api = await client.GetAsync("/api/symbols");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task FailedTokens_OverThePerIpLimit_RefuseFurtherFailures_NotValidCredentials_AndAreLoggedAndCounted()
    {
        var app = App(("RateLimits:FailedAuthPerMinute", "3"));
        using var metrics = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), AuthRefusals.MeterName, AuthRefusals.RefusedCounterName);
        var good = (await app.GetTokenAsync()).AccessToken;
        using var forged = app.CreateClient(good[..^4] + "AAAA");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/symbols")).StatusCode);
        }

        // Over the budget: another failing attempt is refused with 429, from the API and the hub alike...
        await AssertTooManyAsync(await forged.GetAsync("/api/symbols"));
        await AssertTooManyAsync(await forged.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", null));
        await AssertTooManyAsync(await app.CreateClient().GetAsync("/api/auth/me"));

        // ...while everything that carries a valid credential from the same address still works.
        using var valid = app.CreateClient(good);
        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await valid.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", null)).StatusCode);
        await using var hub = app.CreateHubConnection(() => Task.FromResult<string?>(good));
        await hub.StartAsync().DefaultTimeout();
        await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();

        var refusals = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 5000).ToList();
        Assert.InRange(refusals.Count, 3, 5);
        Assert.All(refusals, r => Assert.Equal(LogLevel.Warning, r.Level));
        Assert.All(refusals, r => Assert.DoesNotContain(good[..20], r.Message));
        Assert.Contains(refusals, r => r.Message.Contains("invalid token", StringComparison.Ordinal));
        Assert.Equal(6, metrics.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task FailedApiKeys_OverThePerIpLimit_BlockKeyExchangesFromThatIp_NotItsTokens()
    {
        var app = App(("RateLimits:FailedAuthPerMinute", "3"));
        var good = (await app.GetTokenAsync()).AccessToken;
        using var anonymous = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = "stk_wrong_secret_value" })).StatusCode);
        }

        // Brute-force protection: no more keys are checked from this address for now, not even a right one.
        await AssertTooManyAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = "stk_another_guess" }));
        await AssertTooManyAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey }));
        var refusals = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 5000).ToList();
        Assert.All(refusals, r => Assert.DoesNotContain("stk_wrong", r.Message));
        Assert.Contains(refusals, r => r.Message.Contains("unknown or revoked API key", StringComparison.Ordinal));

        // Tokens already issued are not guessable, and keep working.
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient(good).GetAsync("/api/symbols")).StatusCode);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "none", "no access token - send 'Authorization: Bearer <token>'" },
        { "expired", "token expired - request a new one at POST /api/auth/token" },
        { "revoked", "token revoked - request a new one at POST /api/auth/token" },
        { "garbage", "invalid token - request a new one at POST /api/auth/token" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Unauthorized_TellsTheCallerWhatToDo(string kind, string description)
    {
        var app = App();
        var token = (await app.GetTokenAsync()).AccessToken;
        switch (kind)
        {
            case "expired":
                app.Time!.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(10));
                break;
            case "revoked":
                using (var owner = app.CreateClient(token))
                {
                    Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync("/api/auth/token")).StatusCode);
                }

                break;
            case "garbage":
                token = "not.a.jwt";
                break;
        }

        using var client = kind == "none" ? app.CreateClient() : app.CreateClient(token);
        using var response = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains(description, challenge.Parameter);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith(description, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ConnectionsPerKey_OverTheCap_AreRefusedClearly_DemoKeyExempt()
    {
        var app = App(("RateLimits:MaxConnectionsPerKey", "2"));
        var secret = await app.CreateKeyAsync("user", "BTC-USD");
        await using var first = await app.ConnectAsync(secret).ContinueWith(t => t.Result.Connection);
        await using var second = await app.ConnectAsync(secret).ContinueWith(t => t.Result.Connection);

        var token = (await app.GetTokenAsync(secret)).AccessToken;
        await using var third = app.CreateHubConnection(() => Task.FromResult<string?>(token));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => third.StartAsync().DefaultTimeout());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // The same refusal as the client saw it, with a detail that says what to do.
        using var client = app.CreateClient(token);
        using var negotiate = await client.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", null).DefaultTimeout();
        Assert.Equal(HttpStatusCode.TooManyRequests, negotiate.StatusCode);
        var problem = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("already has 2 open connections", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, first.State);
        await first.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();

        var demo = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                demo.Add((await app.ConnectAsync()).Connection);
            }

            Assert.All(demo, c => Assert.Equal(HubConnectionState.Connected, c.State));
        }
        finally
        {
            foreach (var connection in demo)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task HubCallFlood_GetsHubException_OthersUnaffected_AndRecoversWithTime()
    {
        var app = App(("RateLimits:HubCallBurst", "5"), ("RateLimits:HubCallsPerSecond", "2"));
        await using var flooder = (await app.ConnectAsync()).Connection;
        await using var bystander = (await app.ConnectAsync()).Connection;

        for (var i = 0; i < 5; i++)
        {
            await flooder.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
        }

        var error = await Assert.ThrowsAsync<HubException>(() => flooder.InvokeAsync<string[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout());
        Assert.Contains("Too many calls", error.Message);
        Assert.Equal(HubConnectionState.Connected, flooder.State);
        await bystander.InvokeAsync<object>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        app.Time!.Advance(TimeSpan.FromSeconds(1));
        await flooder.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
    }
}
