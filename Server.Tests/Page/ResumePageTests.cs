using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// After a dropped connection the page resumes each symbol from its last sequence: what the server's history still
/// holds is replayed and no gap is counted; what it no longer holds is lost, counted, and said so for that symbol.
/// </summary>
[Collection(PageTestGroup.Name)]
public sealed class ResumePageTests(Chromium chromium) : IAsyncLifetime
{
    private readonly PageHost _host = new(chromium);
    private readonly ConnectionTracker _hubs = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [ChromiumFact]
    public async Task DroppedConnection_HistoryHoldsTheMissedQuotes_ResumesWithNoGap()
    {
        var (_, prices, page) = await ConnectedToAcmeAsync();

        await WhileDroppedAsync(page, () => prices.PublishRangeAsync("ACME", 6, 10));

        await Expect(page.Price("ACME")).ToHaveTextAsync("10.00");
        await Expect(page.Sparkline("ACME")).ToHaveAttributeAsync("data-points", "10"); // 1 to 5, then 6 to 10 replayed
        await Expect(page.Chart).ToHaveAttributeAsync("data-points", "10");
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 0");
        await Expect(page.NotRecovered("ACME")).ToBeHiddenAsync();
        await Expect(page.Row("ACME").GetByTestId("row-gaps")).ToBeHiddenAsync();
        await Expect(page.Error).ToBeHiddenAsync();
        Assert.Contains(_hubs.Calls, call => call.Method == "Resume");
        Assert.Equal(1, _hubs.Calls.Count(call => call.Method == "Subscribe")); // the first connection's only

        // Live again after the replay, with nothing counted twice.
        await prices.PublishRangeAsync("ACME", 11, 11);
        await Expect(page.Price("ACME")).ToHaveTextAsync("11.00");
        await Expect(page.Chart).ToHaveAttributeAsync("data-points", "11");
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 0");
    }

    [ChromiumFact]
    public async Task DroppedConnection_OverMessagePack_ResumesWithNoGap()
    {
        var (_, prices, page) = await ConnectedToAcmeAsync(query: "?protocol=messagepack");

        await WhileDroppedAsync(page, () => prices.PublishAsync(
            new QuoteInput("ACME", 6m, 5.99m, 6.01m), new QuoteInput("ACME", 7m, 6.99m, 7.01m)));

        await Expect(page.Price("ACME")).ToHaveTextAsync("7.00");
        await Expect(page.Row("ACME").GetByTestId("bid")).ToHaveTextAsync("6.99");
        await Expect(page.Chart).ToHaveAttributeAsync("data-points", "7");
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 0");
        await Expect(page.NotRecovered("ACME")).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task DroppedConnection_PastTheHistory_SaysNotRecoveredAndCountsTheGap()
    {
        var (_, prices, page) = await ConnectedToAcmeAsync(historySize: 3);

        await WhileDroppedAsync(page, () => prices.PublishRangeAsync("ACME", 6, 10)); // the server keeps 8 to 10 only

        await Expect(page.Price("ACME")).ToHaveTextAsync("10.00");
        await Expect(page.NotRecovered("ACME")).ToBeVisibleAsync();
        await Expect(page.NotRecovered("ACME")).ToHaveTextAsync("not recovered");
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 1");
        await Expect(page.Row("ACME").GetByTestId("row-gaps")).ToHaveTextAsync("1 gap");
        await page.ScreenshotAsync("page-not-recovered.png");
    }

    [ChromiumFact]
    public async Task DroppedConnection_SimulatedFeed_ResumesWithNoGap()
    {
        var app = _host.StartApp(services: Track);
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");

        // The feed ticks on while the page is away; the default history (1000 quotes) holds them all.
        Assert.True(new PublishedPrices(app).Registry.TryGet("BTC-USD", out var btc));
        await WhileDroppedAsync(page, async () =>
        {
            var before = btc.Sequence;
            await TaskTimeoutExtensions.WaitUntilAsync(() => btc.Sequence >= before + 5);
        });

        Assert.True(page.FramesContaining("\"recovered\":true,\"quotes\":[{\"symbol\":\"BTC-USD\"") > 0, "Resume replayed nothing.");
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await page.ExpectPriceToMoveAsync("SOL-USD");
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 0");
        await Expect(page.Page.GetByTestId("not-recovered").Locator("visible=true")).ToHaveCountAsync(0);
        Assert.Equal(2, _hubs.Calls.Select(call => call.ConnectionId).Distinct().Count());
    }

    private void Track(IServiceCollection services)
    {
        services.AddSingleton(_hubs);
        _hubs.Register(services);
    }

    /// <summary>A page connected to a published ACME that has had five quotes (1.00 to 5.00).</summary>
    private async Task<(TickerAppFactory App, PublishedPrices Prices, TickerPage Page)> ConnectedToAcmeAsync(int? historySize = null, string query = "")
    {
        var app = _host.StartApp(
            a =>
            {
                if (historySize is { } size)
                {
                    a.Settings["Ticker:HistorySize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            },
            Track);
        var prices = new PublishedPrices(app);
        await prices.AddAsync("ACME");
        await prices.PublishRangeAsync("ACME", 1, 5);
        var page = await _host.OpenAsync(app, query: query);
        await page.ConnectAsync(await app.CreateKeyAsync("user", "ACME"));
        await page.ExpectConnectedAsync();
        await Expect(page.Price("ACME")).ToHaveTextAsync("5.00");
        await Expect(page.Gaps).ToHaveTextAsync("sequence gaps: 0");
        return (app, prices, page);
    }

    /// <summary>
    /// Drops the page's connection from the server's side, as a network drop would, and keeps it from coming back
    /// (its connection tickets fail) until <paramref name="meanwhile"/> is done; then waits for it to be live again.
    /// </summary>
    private async Task WhileDroppedAsync(TickerPage page, Func<Task> meanwhile)
    {
        var first = Assert.Single(_hubs.Open).ConnectionId;
        await page.Page.RouteAsync("**/api/auth/ticket", route => route.AbortAsync());
        Assert.Equal(1, _hubs.AbortAll());
        await Expect(page.Status).ToHaveAttributeAsync("data-state", "reconnecting");

        await meanwhile();

        await page.Page.UnrouteAsync("**/api/auth/ticket");
        await page.ExpectConnectedAsync();
        await TaskTimeoutExtensions.WaitUntilAsync(() => _hubs.Calls.Any(call => call.ConnectionId != first && call.Method == "Resume"), TimeSpan.FromSeconds(15));
    }
}
