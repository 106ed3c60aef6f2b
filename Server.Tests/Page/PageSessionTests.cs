using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>What the page says when a session ends, when prices stop being live, and while it waits out a 429.</summary>
[Collection(PageTestGroup.Name)]
public sealed partial class PageSessionTests(Chromium chromium) : IAsyncLifetime
{
    private const string UnknownKey = "stk_this_key_does_not_exist_0000000000";

    private readonly PageHost _host = new(chromium);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [ChromiumFact]
    public async Task RefusedKey_AfterALiveSession_StatusKeyFieldAndButtonsAgree()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await Expect(page.Rows).ToHaveCountAsync(3);

        await page.ConnectAsync(UnknownKey);

        await page.ExpectNoSessionAsync("key refused");
        await Expect(page.Error).ToContainTextAsync("API key was not accepted");
        await Expect(page.Rows).ToHaveCountAsync(0); // the old key's rows went with its session
        await Expect(page.KeyField).ToBeFocusedAsync();
    }

    [ChromiumFact]
    public async Task RevokedKey_PageStopsSaysSoAndDimsTheRows()
    {
        var app = _host.StartApp();
        var (id, secret) = await app.CreateKeyWithIdAsync("user", "BTC-USD");
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(secret);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.LiveRows).ToHaveCountAsync(1);

        using var admin = app.CreateClient((await app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/admin/keys/{id}", UriKind.Relative))).StatusCode);

        await page.ExpectNoSessionAsync("key revoked");
        await Expect(page.Error).ToContainTextAsync("no longer accepted");
        await Expect(page.Error).ToContainTextAsync("revoked");
        await Expect(page.Rows).ToHaveCountAsync(1); // the last prices stay on screen, dimmed
        await Expect(page.Price("BTC-USD")).ToHaveCSSAsync("opacity", "0.45");
        await page.ScreenshotAsync("page-revoked.png");
    }

    [ChromiumFact]
    public async Task Disconnect_EndsTheSessionAndDimsTheRows()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.LiveRows).ToHaveCountAsync(3);
        await Expect(page.DisconnectButton).ToBeVisibleAsync();
        await Expect(page.KeyField).ToHaveAttributeAsync("placeholder", new Regex("^connected with a key"));

        await page.DisconnectButton.ClickAsync();

        await page.ExpectNoSessionAsync();
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Error).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task QuietFeed_RowsAreDimmedWhileTheConnectionStaysUp()
    {
        // One tick a minute: the rows get the Subscribe snapshot, then nothing.
        var app = _host.StartApp(a => a.Settings["Ticker:IntervalMs"] = "60000");
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.Price("BTC-USD")).Not.ToHaveTextAsync("–");
        await Expect(page.LiveRows).ToHaveCountAsync(3);
        await Expect(page.Price("BTC-USD")).ToHaveCSSAsync("opacity", "1");

        await Expect(page.LiveRows).ToHaveCountAsync(0, new() { Timeout = 10_000 });

        await Expect(page.Price("BTC-USD")).ToHaveCSSAsync("opacity", "0.45");
        await page.ExpectConnectedAsync();
        await Expect(page.Error).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task NewAction_ClearsThePreviousBanner()
    {
        var app = _host.StartApp();
        var key = await app.CreateKeyAsync("user", "BTC-USD", "LINK-USD");
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(UnknownKey);
        await Expect(page.Error).ToContainTextAsync("API key was not accepted");

        await page.ConnectAsync(key);
        await page.ExpectConnectedAsync();
        await Expect(page.Error).ToBeHiddenAsync();

        // A refused Subscribe, then another Subscribe that works.
        await SubscribeAsync(page, "ETH-USD");
        await Expect(page.Error).ToContainTextAsync("'ETH-USD' is not included");
        await SubscribeAsync(page, "LINK-USD");
        await Expect(page.Error).ToBeHiddenAsync();
        await Expect(page.Rows).ToHaveCountAsync(2);

        // A refused Subscribe, then a removal.
        await SubscribeAsync(page, "ETH-USD");
        await Expect(page.Error).ToBeVisibleAsync();
        await page.Row("LINK-USD").GetByTestId("remove").ClickAsync();
        await Expect(page.Error).ToBeHiddenAsync();

        // A refused Subscribe, then Disconnect.
        await SubscribeAsync(page, "ETH-USD");
        await Expect(page.Error).ToBeVisibleAsync();
        await page.DisconnectButton.ClickAsync();
        await Expect(page.Error).ToBeHiddenAsync();
        await page.ExpectNoSessionAsync();
    }

    [ChromiumFact]
    public async Task RateLimitedToken_CountdownMatchesTheBannerAndRetryAfter()
    {
        var app = _host.StartApp(a => a.Settings["RateLimits:TokenPerMinute"] = "1");
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.DisconnectButton.ClickAsync();
        await page.ExpectNoSessionAsync();

        var refused = await page.Page.RunAndWaitForResponseAsync(
            () => page.ConnectAsync(TickerAppFactory.DemoKey),
            response => response.Url.EndsWith("/api/auth/token", StringComparison.Ordinal) && response.Status == 429);
        var retryAfter = int.Parse((await refused.HeaderValueAsync("retry-after"))!, CultureInfo.InvariantCulture);

        await Expect(page.Error).ToContainTextAsync("Rate-limited");
        var (banner, status) = await ReadCountdownAsync(page);
        Assert.Equal(banner, status);
        Assert.InRange(banner, retryAfter - 2, retryAfter);

        // It counts down, and the two keep agreeing.
        await Expect(page.Error).ToContainTextAsync($"Trying again in {banner - 1} s.", new() { Timeout = 3_000 });
        var (laterBanner, laterStatus) = await ReadCountdownAsync(page);
        Assert.Equal(laterBanner, laterStatus);
        Assert.True(laterBanner < banner, $"{laterBanner} s is not less than {banner} s");

        await Expect(page.Status).ToHaveAttributeAsync("data-state", "connecting");
        await Expect(page.DisconnectButton).ToBeVisibleAsync(); // still a session: it can be called off
        Assert.Equal(2, page.TokenResponses.Count); // nothing asked again before the server's time
    }

    private static async Task SubscribeAsync(TickerPage page, string symbol)
    {
        await page.Page.GetByTestId("symbol-input").FillAsync(symbol);
        await page.Page.GetByTestId("subscribe").ClickAsync();
    }

    /// <summary>The seconds the banner and the status show, read together so a tick cannot fall between them.</summary>
    private static async Task<(int Banner, int Status)> ReadCountdownAsync(TickerPage page)
    {
        var texts = await page.Page.EvaluateAsync<string[]>(
            "() => [document.querySelector('[data-testid=error]').textContent, document.querySelector('[data-testid=status]').textContent]");
        var banner = BannerCountdown().Match(texts[0]);
        var status = StatusCountdown().Match(texts[1]);
        Assert.True(banner.Success, $"banner: {texts[0]}");
        Assert.True(status.Success, $"status: {texts[1]}");
        return (int.Parse(banner.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"Trying again in (\d+) s\.")]
    private static partial Regex BannerCountdown();

    [GeneratedRegex(@"retry in (\d+) s")]
    private static partial Regex StatusCountdown();
}
