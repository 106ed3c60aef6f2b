using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>What the page shows of an instrument beyond its price: history, the chart, bid and ask, stale feeds, removal.</summary>
[Collection(PageTestGroup.Name)]
public sealed class PricePageTests(Chromium chromium) : IAsyncLifetime
{
    private readonly PageHost _host = new(chromium);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [ChromiumFact]
    public async Task Connect_FillsTheSparklineAndTheChartFromHistory()
    {
        // A published instrument with 100 quotes and no more to come: all but the latest can only come from history.
        var app = _host.StartApp();
        var prices = new PublishedPrices(app);
        await prices.AddAsync("ACME");
        await prices.PublishRangeAsync("ACME", 1, 100);
        var page = await _host.OpenAsync(app);

        await page.ConnectAsync(await app.CreateKeyAsync("user", "ACME"));

        await page.ExpectConnectedAsync();
        await Expect(page.Price("ACME")).ToHaveTextAsync("100.00");
        await Expect(page.Sparkline("ACME")).ToHaveAttributeAsync("data-points", "60");
        await page.ExpectSparklineFilledAsync("ACME");
        await Expect(page.Row("ACME")).ToHaveAttributeAsync("aria-current", "true"); // the first row is charted
        await Expect(page.ChartSymbol).ToHaveTextAsync("ACME");
        await Expect(page.Chart).ToHaveAttributeAsync("data-symbol", "ACME");
        await Expect(page.Chart).ToHaveAttributeAsync("data-points", "100");
        await page.ExpectChartDrawnAsync();

        await prices.PublishRangeAsync("ACME", 101, 101);

        await Expect(page.Chart).ToHaveAttributeAsync("data-points", "101");
        await Expect(page.Price("ACME")).ToHaveTextAsync("101.00");
        await Expect(page.Error).ToBeHiddenAsync();
        await page.ScreenshotAsync("page-history.png");
    }

    [ChromiumFact]
    public async Task ClickingARow_ChartsThatSymbolFromHistory()
    {
        var app = _host.StartApp();
        var prices = new PublishedPrices(app);
        await prices.AddAsync("ACME", "OTHER");
        await prices.PublishRangeAsync("ACME", 1, 10);
        await prices.PublishRangeAsync("OTHER", 1, 200);
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(await app.CreateKeyAsync("user", "ACME", "OTHER"));
        await page.ExpectConnectedAsync();
        await Expect(page.Rows).ToHaveCountAsync(2);
        var first = await page.Rows.First.GetAttributeAsync("data-symbol");
        var other = first == "ACME" ? "OTHER" : "ACME";
        await Expect(page.Chart).ToHaveAttributeAsync("data-symbol", first!);

        await page.Row(other).GetByTestId("price").ClickAsync();

        await Expect(page.ChartSymbol).ToHaveTextAsync(other);
        await Expect(page.Chart).ToHaveAttributeAsync("data-points", other == "OTHER" ? "200" : "10");
        await Expect(page.Row(other)).ToHaveAttributeAsync("aria-current", "true");
        await Expect(page.Row(first!)).ToHaveAttributeAsync("aria-current", "false");

        // The remove button removes; it does not select.
        await page.Row(first!).GetByTestId("remove").ClickAsync();
        await Expect(page.Rows).ToHaveCountAsync(1);
        await Expect(page.ChartSymbol).ToHaveTextAsync(other);
    }

    [ChromiumFact]
    public async Task PublishedBidAndAsk_AreShownInTheirColumns_EmptyWhereAQuoteHasNone()
    {
        var app = _host.StartApp();
        var prices = new PublishedPrices(app);
        await prices.AddAsync("ACME", "OTHER");
        await prices.PublishAsync(new QuoteInput("ACME", 12.5m, 12.49m, 12.51m), new QuoteInput("OTHER", 7m));
        var page = await _host.OpenAsync(app);

        await page.ConnectAsync(await app.CreateKeyAsync("user", "ACME", "OTHER"));

        await page.ExpectConnectedAsync();
        await Expect(page.Price("ACME")).ToHaveTextAsync("12.50");
        await Expect(page.Row("ACME").GetByTestId("bid")).ToHaveTextAsync("12.49");
        await Expect(page.Row("ACME").GetByTestId("ask")).ToHaveTextAsync("12.51");
        await Expect(page.Row("ACME").GetByTestId("bid")).ToBeVisibleAsync();
        await Expect(page.Price("OTHER")).ToHaveTextAsync("7.00");
        await Expect(page.Row("OTHER").GetByTestId("bid")).ToHaveTextAsync("");
        await Expect(page.Row("OTHER").GetByTestId("ask")).ToHaveTextAsync("");

        // A later quote without them empties the cells; with none left, the columns go.
        await prices.PublishAsync(new QuoteInput("ACME", 12.75m));

        await Expect(page.Price("ACME")).ToHaveTextAsync("12.75");
        await Expect(page.Row("ACME").GetByTestId("bid")).ToHaveTextAsync("");
        await Expect(page.Row("ACME").GetByTestId("bid")).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task StaleInstrument_IsMarked_AndUnmarkedWhenItsFeedIsBack()
    {
        var app = _host.StartApp();
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(page.StaleMarker("BTC-USD")).ToBeHiddenAsync();
        Assert.True(new PublishedPrices(app).Registry.TryGet("BTC-USD", out var btc));

        btc.Stale = true;

        await Expect(page.StaleMarker("BTC-USD")).ToBeVisibleAsync();
        await Expect(page.StaleMarker("BTC-USD")).ToHaveTextAsync("stale");
        await Expect(page.Row("BTC-USD")).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex("upstream feed .* is disconnected"));
        await Expect(page.Price("BTC-USD")).ToHaveCSSAsync("opacity", "0.45");
        await Expect(page.StaleMarker("ETH-USD")).ToBeHiddenAsync();
        await Expect(page.LiveRows).ToHaveCountAsync(2);
        await page.ScreenshotAsync("page-stale.png");

        btc.Stale = false;

        await Expect(page.StaleMarker("BTC-USD")).ToBeHiddenAsync();
        await Expect(page.LiveRows).ToHaveCountAsync(3);
        await Expect(page.Error).ToBeHiddenAsync();
    }

    [ChromiumFact]
    public async Task InstrumentRemoved_SaysSoAndRemovesTheRow()
    {
        var app = _host.StartApp();
        var prices = new PublishedPrices(app);
        await prices.AddAsync("ACME");
        await prices.PublishRangeAsync("ACME", 1, 3);
        var page = await _host.OpenAsync(app);
        await page.ConnectAsync(TickerAppFactory.DemoKey);
        await page.ExpectConnectedAsync();
        await Expect(page.Rows).ToHaveCountAsync(3);
        await page.Page.GetByTestId("symbol-input").FillAsync("ACME");
        await page.Page.GetByTestId("subscribe").ClickAsync();
        await Expect(page.Price("ACME")).ToHaveTextAsync("3.00");
        await page.Row("ACME").ClickAsync();
        await Expect(page.ChartSymbol).ToHaveTextAsync("ACME");

        Assert.True(await prices.Registry.RemoveAsync("ACME", CancellationToken.None).DefaultTimeout());

        await Expect(page.Error).ToHaveTextAsync("No longer subscribed to ACME: instrument removed.");
        await Expect(page.Row("ACME")).ToHaveCountAsync(0);
        await Expect(page.Rows).ToHaveCountAsync(3);
        await Expect(page.ChartSymbol).ToHaveTextAsync("BTC-USD"); // the first row left takes the chart
        await page.ExpectPriceToMoveAsync("BTC-USD");
        await page.ExpectConnectedAsync();
    }
}
