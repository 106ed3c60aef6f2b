using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// The page renews its token on the live connection (the hub's RefreshToken) before the server would close it at
/// expiry; only a refused renewal makes it reconnect.
/// </summary>
[Collection(PageTestGroup.Name)]
public sealed class TokenRenewalPageTests(Chromium chromium) : IAsyncLifetime
{
    private const string TokenPath = "**/api/auth/token";

    /// <summary>Records every data-state the status shows and every renewal time the footer shows, from now on.</summary>
    private const string WatchScript =
        """
        () => {
          window.statesSeen = [];
          window.renewalsSeen = [];
          const status = document.querySelector('[data-testid=status]');
          new MutationObserver(() => window.statesSeen.push(status.dataset.state))
            .observe(status, { attributes: true, attributeFilter: ['data-state'] });
          const renewed = document.querySelector('[data-testid=token-renewed]');
          new MutationObserver(() => window.renewalsSeen.push(renewed.getAttribute('datetime')))
            .observe(renewed, { attributes: true, attributeFilter: ['datetime'] });
        }
        """;

    private readonly PageHost _host = new(chromium);
    private readonly ConnectionTracker _hubs = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [ChromiumFact]
    [Trait("Category", "WallClock")]
    public async Task FiveSecondTokens_PageStaysOnOneConnectionForHalfAMinute_WithNoGap()
    {
        var app = StartApp(lifetime: "00:00:05");
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        var connection = Assert.Single(_hubs.Open).ConnectionId;
        await page.Page.EvaluateAsync(WatchScript);
        var watched = Stopwatch.StartNew();

        // A renewal every 2.5 s: twelve of them take half a minute, six lifetimes of the first token.
        await TaskTimeoutExtensions.WaitUntilAsync(() => Refreshes(connection) >= 12, TimeSpan.FromSeconds(60));

        Assert.True(watched.Elapsed >= TimeSpan.FromSeconds(25), $"twelve renewals took only {watched.Elapsed}");
        Assert.Equal(connection, Assert.Single(_hubs.Open).ConnectionId);
        Assert.Single(page.Requests, url => url.StartsWith("ws://", StringComparison.Ordinal) && url.Contains("/hubs/ticker", StringComparison.Ordinal));
        Assert.Empty(await page.Page.EvaluateAsync<string[]>("() => window.statesSeen.filter(state => state !== 'connected')"));
        var renewals = await page.Page.EvaluateAsync<string[]>("() => window.renewalsSeen");
        Assert.True(renewals.Distinct().Count() >= 10, $"the footer showed {renewals.Length} renewal times: {string.Join(", ", renewals)}");
        await Expect(page.Page.GetByTestId("token-renewed")).ToHaveAttributeAsync("data-state", "renewed");
        await Expect(page.Page.GetByTestId("token-renewed")).ToContainTextAsync("token renewed");

        // No gap: the page counted none, and every quote pushed to it followed the one before.
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 0");
        AssertPushedQuotesFollowOn(page);
        await Expect(page.Error).ToBeHiddenAsync();
        Assert.DoesNotContain(page.TokenResponses, status => status != 200);
    }

    [ChromiumFact]
    public async Task MessagePack_TokenIsRenewedOnTheLiveConnection()
    {
        var app = StartApp(lifetime: "00:00:03");
        var page = await _host.OpenAsync(app, query: "?protocol=messagepack");
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        var connection = Assert.Single(_hubs.Open).ConnectionId;

        await TaskTimeoutExtensions.WaitUntilAsync(() => Refreshes(connection) >= 3, TimeSpan.FromSeconds(20));

        await Expect(page.Page.GetByTestId("token-renewed")).ToHaveAttributeAsync("data-state", "renewed");
        Assert.Equal(connection, Assert.Single(_hubs.Open).ConnectionId);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 0");
    }

    [ChromiumFact]
    public async Task RenewedTokenRefused_PageReconnectsWithANewOne_ThenRenewsInBandAgain()
    {
        var app = StartApp(lifetime: "00:00:04");
        var page = await _host.OpenAsync(app);
        // The renewal's token is revoked before the page gets it: the hub refuses it, the connection keeps the old one.
        var requests = 0;
        await page.Page.RouteAsync(TokenPath, async route =>
        {
            if (Interlocked.Increment(ref requests) != 2)
            {
                await route.ContinueAsync();
                return;
            }

            var response = await route.FetchAsync();
            var token = (await response.JsonAsync())!.Value.GetProperty("accessToken").GetString()!;
            using (var client = app.CreateClient(token))
            {
                (await client.DeleteAsync(new Uri("/api/auth/token", UriKind.Relative))).EnsureSuccessStatusCode();
            }

            await route.FulfillAsync(new() { Response = response });
        });
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        var first = Assert.Single(_hubs.Open).ConnectionId;
        var renewed = page.Page.GetByTestId("token-renewed");

        await Expect(renewed).ToHaveAttributeAsync("data-state", "failed");
        await Expect(renewed).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("revoked.*reconnects with a new token"));

        await TaskTimeoutExtensions.WaitUntilAsync(() => _hubs.Open.Any(open => open.ConnectionId != first));
        var second = Assert.Single(_hubs.Open).ConnectionId;
        await TaskTimeoutExtensions.WaitUntilAsync(() => Refreshes(second) >= 1);
        await Expect(renewed).ToHaveAttributeAsync("data-state", "renewed");
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Error).ToBeHiddenAsync();
        Assert.Equal(1, Refreshes(first)); // the refused one
        Assert.Equal(2, page.Requests.Count(url => url.StartsWith("ws://", StringComparison.Ordinal) && url.Contains("/hubs/ticker", StringComparison.Ordinal)));
    }

    [ChromiumFact]
    public async Task RenewalRefused_AndTheKeyRevoked_PageEndsAsRevoked()
    {
        var app = StartApp(lifetime: "00:00:04");
        var (id, secret) = await app.CreateKeyWithIdAsync("user", "BTC-USD");
        var otherKey = await app.CreateKeyAsync("user", "BTC-USD");
        var page = await _host.OpenAsync(app);
        // The renewal gets a token of another key (the hub refuses it); by the time the page asks again, its key is gone.
        var requests = 0;
        await page.Page.RouteAsync(TokenPath, async route =>
        {
            switch (Interlocked.Increment(ref requests))
            {
                case 2:
                    var other = await app.GetTokenAsync(otherKey);
                    await route.FulfillAsync(new()
                    {
                        Status = 200,
                        ContentType = "application/json",
                        Body = JsonSerializer.Serialize(other, JsonSerializerOptions.Web),
                    });
                    break;
                case 3:
                    await app.RevokeKeyAsync(id);
                    await route.ContinueAsync();
                    break;
                default:
                    await route.ContinueAsync();
                    break;
            }
        });
        await page.ConnectAsync(secret);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        var first = Assert.Single(_hubs.Open).ConnectionId;

        await page.ExpectNoSessionAsync("key revoked");

        await Expect(page.Error).ToContainTextAsync("no longer accepted");
        await Expect(page.Page.GetByTestId("token-renewed")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("another API key"));
        Assert.Equal(1, Refreshes(first));
        Assert.Equal(3, requests);
        Assert.Equal([200, 200, 401], page.TokenResponses.Order());
        await TaskTimeoutExtensions.WaitUntilAsync(() => _hubs.IsEmpty);
    }

    private TickerAppFactory StartApp(string lifetime) => _host.StartApp(
        app => app.Settings["Auth:TokenLifetime"] = lifetime,
        services =>
        {
            services.AddSingleton(_hubs);
            _hubs.Register(services);
        });

    private int Refreshes(string connectionId) =>
        _hubs.Calls.Count(call => call.ConnectionId == connectionId && call.Method == "RefreshToken");

    /// <summary>Each symbol's pushed quotes (JSON frames), in the order received, rise by one sequence at a time.</summary>
    private static void AssertPushedQuotesFollowOn(TickerPage page)
    {
        var last = new Dictionary<string, long>();
        var count = 0;
        foreach (var frame in page.Frames())
        {
            foreach (var message in frame.Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
            {
                using var json = JsonDocument.Parse(message);
                if (!json.RootElement.TryGetProperty("target", out var target) || target.GetString() != "Quote")
                {
                    continue;
                }

                var quote = json.RootElement.GetProperty("arguments")[0];
                var symbol = quote.GetProperty("symbol").GetString()!;
                var sequence = quote.GetProperty("sequence").GetInt64();
                if (last.TryGetValue(symbol, out var previous))
                {
                    Assert.True(sequence == previous + 1, $"{symbol}: {sequence} pushed after {previous}");
                }

                last[symbol] = sequence;
                count++;
            }
        }

        Assert.True(count > 300, $"only {count} quotes were pushed");
    }
}
