using SignalRTicker.Server.Tests.Page;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>The page with <c>?protocol=messagepack</c>: the binary hub protocol, the same rows and prices as JSON.</summary>
[Collection(PageTestGroup.Name)]
public sealed class MessagePackPageTests(Chromium chromium) : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);
    private TickerPage? _page;

    public Task InitializeAsync()
    {
        _app.Settings["Ticker:IntervalMs"] = "50";
        _app.Settings["RateLimits:TokenPerMinute"] = "1000";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_page is not null)
        {
            await _page.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [ChromiumFact]
    public async Task MessagePackPage_ShowsLiveRowsWithMovingPricesAndTimes()
    {
        _page = await TickerPage.OpenAsync(chromium, new Uri(_app.BaseAddress, "?protocol=messagepack"));
        var frames = new List<string>();
        _page.Page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            lock (frames)
            {
                frames.Add(frame.Binary is { Length: > 0 } ? "binary" : "text");
            }
        };

        await _page.ConnectAsync(TickerAppFactory.DemoKey);

        await _page.ExpectConnectedAsync();
        await Expect(_page.Rows).ToHaveCountAsync(3);
        await _page.ExpectPriceToMoveAsync("BTC-USD");
        await _page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(_page.Row("BTC-USD").GetByTestId("time")).Not.ToHaveTextAsync("–");
        await Expect(_page.Row("BTC-USD").GetByTestId("price")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9,]+\\.[0-9]{2}$"));
        await Expect(_page.Error).ToBeHiddenAsync();
        lock (frames)
        {
            Assert.Contains("binary", frames);   // quotes came as MessagePack, not JSON text
        }
    }
}
