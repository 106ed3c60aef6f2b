using System.Net;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

[Collection(PageTestGroup.Name)]
public sealed class LivePageTests(Chromium chromium) : IAsyncLifetime
{
    private readonly PageHost _host = new(chromium);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [ChromiumFact]
    public async Task DemoKey_ShowsLiveRowsWithMovingPrices()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);

        await page.ConnectAsync(TickerAppFactory.DemoKey);

        await page.ExpectConnectedAsync();
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Row("BTC-USD")).ToBeVisibleAsync();
        for (var i = 0; i < 5; i++)
        {
            await page.ExpectPriceToMoveAsync("BTC-USD");
        }

        // The sparkline is drawn on the canvas, and fills it to the left edge once it holds a full window of prices.
        await page.Page.WaitForFunctionAsync(
            """
            () => {
              const canvas = document.querySelector('[data-symbol="BTC-USD"] canvas');
              const ctx = canvas.getContext('2d');
              const column = ctx.getImageData(0, 0, 3, canvas.height).data;
              return column.some((value, i) => i % 4 === 3 && value > 0);
            }
            """);

        await Expect(page.Error).ToBeHiddenAsync();
        await Expect(page.Page.GetByTestId("api-key")).ToHaveValueAsync("");
        Assert.Empty(await page.Page.EvaluateAsync<string[]>(
            "() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]"));
        Assert.DoesNotContain(TickerAppFactory.DemoKey, page.Page.Url, StringComparison.Ordinal);

        var screenshot = await page.ScreenshotAsync("page.png");
        if (Environment.GetEnvironmentVariable("TICKER_UPDATE_DOCS_SCREENSHOT") == "1")
        {
            File.Copy(screenshot, Path.Combine(Repository.Root, "docs", "page.png"), overwrite: true);
        }
    }

    [ChromiumFact]
    public async Task PhoneWidth_KeepsPriceAndRemoveButtonOnScreen()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app, width: 390, height: 800);

        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");

        await Expect(page.Price("BTC-USD")).ToBeInViewportAsync();
        await Expect(page.Row("BTC-USD").GetByTestId("remove")).ToBeInViewportAsync();
        var overflows = await page.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflows, "The page scrolls sideways at phone width.");
        await page.ScreenshotAsync("page-phone.png");
    }

    [ChromiumFact]
    public async Task SubscribeAndRemove_AddAndDropRows()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await Expect(page.Rows).ToHaveCountAsync(3);

        await page.Page.GetByTestId("symbol-input").FillAsync("link-usd");
        await page.Page.GetByTestId("subscribe").ClickAsync();

        await Expect(page.Rows).ToHaveCountAsync(4);
        await page.ExpectPriceToMoveAsync("LINK-USD");
        await Expect(page.Page.GetByTestId("symbol-input")).ToHaveValueAsync("");

        await page.Row("ETH-USD").GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Remove ETH-USD" }).ClickAsync();

        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Row("ETH-USD")).ToHaveCountAsync(0);
        Assert.Equal(["BTC-USD", "SOL-USD", "LINK-USD"], await page.Rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.symbol)"));
        // The hub really dropped it: once in-flight quotes are through, only the other symbols keep arriving.
        await TaskTimeoutExtensions.WaitUntilAsync(() => page.FramesSinceLast("\"ETH-USD\"", "\"BTC-USD\"") >= 10, TimeSpan.FromSeconds(10));
        await Expect(page.Error).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task BadKey_ShowsError()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);

        await page.ConnectAsync("stk_this_key_does_not_exist_0000000000");

        await Expect(page.Error).ToBeVisibleAsync();
        await Expect(page.Error).ToContainTextAsync("API key was not accepted");
        await Expect(page.Status).ToHaveAttributeAsync("data-state", "disconnected");
        Assert.Contains(401, page.TokenResponses);
    }

    [ChromiumFact]
    public async Task NotEntitledSymbol_ShowsTheHubsReason()
    {
        var app = _host.StartApp();
        var key = await app.CreateKeyAsync("user", "BTC-USD");
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(key);
        await page.ExpectConnectedAsync();
        await Expect(page.Rows).ToHaveCountAsync(1);

        await page.Page.GetByTestId("symbol-input").FillAsync("ETH-USD");
        await page.Page.GetByTestId("subscribe").ClickAsync();

        await Expect(page.Error).ToBeVisibleAsync();
        await Expect(page.Error).ToContainTextAsync("'ETH-USD' is not included in your API key's entitlements");
        await Expect(page.Rows).ToHaveCountAsync(1);
        await page.ExpectPriceToMoveAsync("BTC-USD");
    }

    [ChromiumFact]
    public async Task Page_MakesNoRequestOutsideTheServersOrigin()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");

        var http = app.BaseAddress.GetLeftPart(UriPartial.Authority) + "/";
        var ws = "ws" + http[4..];
        var outside = page.Requests.Where(url => !url.StartsWith(http, StringComparison.Ordinal)
                                                 && !url.StartsWith(ws, StringComparison.Ordinal)
                                                 && !url.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.Empty(outside);
        Assert.Contains(page.Requests, url => url.StartsWith(http + "lib/signalr/signalr.min.js", StringComparison.Ordinal));
        // The token rides in the query only on the WebSocket, as the contract's browser path says.
        Assert.Contains(page.Requests, url => url.StartsWith(ws + "hubs/ticker", StringComparison.Ordinal) && url.Contains("access_token=", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task ServerDropsTheConnection_PageReconnectsAndResumesWithTheSameToken()
    {
        var hubs = new ConnectionTracker();
        var app = _host.StartApp(services: services =>
        {
            services.AddSingleton(hubs);
            hubs.Register(services);
        });
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        var first = Assert.Single(hubs.Open).ConnectionId;

        // What a crashing proxy or a network drop does: the connection is gone, without a close that allows a reconnect.
        Assert.Equal(1, hubs.AbortAll());

        await TaskTimeoutExtensions.WaitUntilAsync(
            () => hubs.Calls.Any(call => call.ConnectionId != first && call.Method == "Resume"), TimeSpan.FromSeconds(15));
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Error).ToBeHiddenAsync();
        // The token was still good, so none was spent: token requests are rate-limited per address.
        Assert.Equal([200], page.TokenResponses);
    }

    [ChromiumFact]
    public async Task PagesTokenRevoked_PageGetsANewTokenAndComesBack()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);
        var issued = await page.Page.RunAndWaitForResponseAsync(
            () => page.ConnectAsync(TickerAppFactory.DemoKey), response => response.Url.EndsWith("/api/auth/token", StringComparison.Ordinal));
        var token = (await issued.JsonAsync())?.GetProperty("accessToken").GetString();
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");

        // The server closes the token's connections; the page's next ticket request is refused with that token.
        using var client = app.CreateClient(token!);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(new Uri("/api/auth/token", UriKind.Relative))).StatusCode);

        await TaskTimeoutExtensions.WaitUntilAsync(() => page.TokenResponses.Count(status => status == 200) >= 2, TimeSpan.FromSeconds(15));
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Error).ToBeHiddenAsync();
    }
}
