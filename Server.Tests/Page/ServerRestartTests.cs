using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

[Collection(PageTestGroup.Name)]
public sealed class ServerRestartTests(Chromium chromium) : IAsyncLifetime
{
    private TickerAppFactory? _first;
    private TickerAppFactory? _second;
    private TickerPage? _page;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_page is not null)
        {
            await _page.DisposeAsync();
        }

        if (_first is not null)
        {
            await _first.DisposeAsync();
        }

        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
    }

    [ChromiumFact]
    public async Task ServerRestartsOnTheSamePort_PageReconnectsAndStreamsWithoutReload()
    {
        _first = new TickerAppFactory(fakeTime: false, kestrel: true);
        _first.Settings["Ticker:IntervalMs"] = "50";
        _page = await TickerPage.OpenAsync(chromium, _first.BaseAddress);
        await _page.ConnectAsync(TickerAppFactory.DemoKey);
        await _page.ExpectConnectedAsync();
        await _page.ExpectPriceToMoveAsync("BTC-USD");
        var loads = 0;
        _page.Page.Load += (_, _) => loads++;

        // Same port, database and signing key; the old server goes away first, as a killed process would.
        var address = _first.BaseAddress;
        _second = _first.Restarted();
        var first = _first;
        _first = null;
        await first.DisposeAsync();

        await Expect(_page.Status).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("reconnecting|connecting|disconnected"));
        Assert.Equal(address, _second.BaseAddress); // starts the second server

        await _page.ExpectConnectedAsync(timeout: 30_000);
        await _page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(_page.Rows).ToHaveCountAsync(3);
        await _page.ExpectPriceToMoveAsync("SOL-USD");
        await Expect(_page.Error).ToBeHiddenAsync();
        Assert.Equal(0, loads);
    }
}
