using System.Net;
using SignalRTicker.Server.Tests.Page;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Auth;

/// <summary>The page puts a single-use ticket in the WebSocket URL, never its token; a revoked key loses the page's stream.</summary>
[Collection(PageTestGroup.Name)]
public sealed class PageTicketTests(Chromium chromium) : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true) { Settings = { ["Ticker:IntervalMs"] = "50" } };
    private TickerPage? _page;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_page is not null)
        {
            await _page.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [ChromiumFact]
    public async Task Page_ConnectsWithATicket_AndARevokedKeyLosesTheStream()
    {
        var (id, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        _page = await TickerPage.OpenAsync(chromium, _app.BaseAddress);

        await _page.ConnectAsync(secret);
        await _page.ExpectConnectedAsync();
        await _page.ExpectPriceToMoveAsync("BTC-USD");

        var hubUrls = _page.Requests.Where(url => url.Contains("hubs/ticker", StringComparison.Ordinal) && url.Contains("access_token=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(hubUrls);
        Assert.All(hubUrls, url => Assert.Contains("access_token=tkt_", url));
        Assert.DoesNotContain(_page.Requests, url => url.Contains("access_token=ey", StringComparison.Ordinal));

        using var admin = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/keys/{id}")).StatusCode);

        await Expect(_page.Status).Not.ToHaveAttributeAsync("data-state", "connected", new() { Timeout = 5_000 });
        await Expect(_page.Error).ToBeVisibleAsync(new() { Timeout = TickerPage.Timeout });
        await Expect(_page.Error).ToContainTextAsync("revoked", new() { Timeout = TickerPage.Timeout });
    }
}
