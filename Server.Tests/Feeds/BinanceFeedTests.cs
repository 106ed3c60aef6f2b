using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using SignalRTicker.Server.Feeds.Binance;

namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>
/// The Binance feed inside the real host, against a fake Binance that serves combined streams in the documented
/// shapes: one connection for all symbols, quotes with the last price, bid, ask and event time, and the daily
/// disconnect, errors and malformed messages survived.
/// </summary>
public sealed class BinanceFeedTests : IAsyncLifetime
{
    private const long E1 = 1_709_649_001_123;
    private const long E2 = 1_709_649_002_456;

    private FakeVenue _venue = null!;
    private TickerAppFactory _app = null!;

    public async Task InitializeAsync()
    {
        _venue = await FakeVenue.StartAsync();
        _app = CreateApp(_venue);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _venue.DisposeAsync();
    }

    [Fact]
    public async Task ConfiguredSymbols_StreamOnOneCombinedConnection_AsBinanceInstruments()
    {
        var connection = await _venue.NextConnectionAsync();

        Assert.Equal("/stream", connection.Path);
        Assert.Equal("?streams=btcusdt@ticker/ethusdt@ticker", connection.Query);
        foreach (var symbol in new[] { "BTCUSDT", "ETHUSDT" })
        {
            var listed = await _app.SymbolAsync(symbol);
            Assert.Equal((InstrumentSources.Binance, true), (listed.Source, listed.Stale));
        }

        Assert.Equal(InstrumentSources.Simulated, (await _app.SymbolAsync("XRP-USD")).Source);

        await connection.SendAsync(BinanceMessages.Ticker("ETHUSDT", "3510.50000000", "3510.49000000", "3510.51000000", E1));
        await _app.WaitForStaleAsync("BTCUSDT", stale: false);
        Assert.Empty(connection.Unread()); // a combined stream needs no subscribe message
    }

    [Fact]
    public async Task Tickers_ReachSubscribers_WithLastPriceBidAskAndEventTime()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTCUSDT", "ETHUSDT" }).DefaultTimeout();
        var connection = await _venue.NextConnectionAsync();

        await connection.SendAsync(
            BinanceMessages.Ticker("BTCUSDT", "67450.12000000", "67450.11000000", "67450.13000000", E1),
            BinanceMessages.Ticker("ETHUSDT", "3510.50000000", "3510.49000000", "3510.51000000", E1),
            """{"stream":"btcusdt@ticker","data":{"e":"1hTicker","E":1709649001500,"s":"BTCUSDT","c":"1"}}""",
            BinanceMessages.Ticker("BTCUSDT", "67451.00000000", "67450.99000000", "67451.01000000", E2));

        var received = await quotes.UntilAsync(q => q.Symbol == "BTCUSDT" && q.Sequence == 2);

        Assert.Equal(
            [
                ("BTCUSDT", 67450.12m, 67450.11m, 67450.13m, DateTimeOffset.FromUnixTimeMilliseconds(E1), 1L),
                ("ETHUSDT", 3510.5m, 3510.49m, 3510.51m, DateTimeOffset.FromUnixTimeMilliseconds(E1), 1L),
                ("BTCUSDT", 67451m, 67450.99m, 67451.01m, DateTimeOffset.FromUnixTimeMilliseconds(E2), 2L),
            ],
            received.Select(q => (q.Symbol, q.Price, q.Bid!.Value, q.Ask!.Value, q.Timestamp, q.Sequence)));
        Assert.Empty(_app.Logged("FeedMessageMalformed"));
    }

    [Fact]
    public async Task DailyDisconnect_IsADrop_AndTheSameStreamsAreOpenedAgain()
    {
        var first = await _venue.NextConnectionAsync();
        await first.SendAsync(BinanceMessages.Ticker("BTCUSDT", "67450.12", "67450.11", "67450.13", E1));
        await _app.WaitForStaleAsync("BTCUSDT", stale: false);

        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "24 hours");

        await _app.WaitForStaleAsync("ETHUSDT", stale: true);
        var dropped = Assert.Single(await _app.WaitForLogAsync("FeedDisconnected"));
        Assert.Contains("binance feed dropped: the venue closed the connection (1000 24 hours)", dropped.Message, StringComparison.Ordinal);
        await _app.AdvanceUntilAsync(() => _venue.ConnectionCount == 2);
        var second = await _venue.NextConnectionAsync();
        Assert.Equal((first.Path, first.Query), (second.Path, second.Query));
        await second.SendAsync(BinanceMessages.Ticker("BTCUSDT", "67460", "67459", "67461", E2));
        await _app.WaitForStaleAsync("ETHUSDT", stale: false);
        var listed = await _app.SymbolAsync("BTCUSDT");
        Assert.Equal((67460m, 2L), (listed.Price, listed.Sequence));
    }

    [Fact]
    public async Task MalformedMessages_AreSkipped_AndAnErrorIsADrop()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTCUSDT" }).DefaultTimeout();
        var connection = await _venue.NextConnectionAsync();

        await connection.SendAsync(
            "{\"stream\":",
            """{"stream":"btcusdt@ticker"}""",
            """{"stream":"btcusdt@ticker","data":{"E":1709649001123,"s":"BTCUSDT","c":"1"}}""",
            """{"stream":"btcusdt@ticker","data":{"e":"24hrTicker","E":1709649001123,"s":"BTCUSDT","b":"1","a":"2"}}""",
            """{"stream":"btcusdt@ticker","data":{"e":"24hrTicker","s":"BTCUSDT","c":"1","b":"1","a":"2"}}""",
            """{"stream":"btcusdt@ticker","data":{"e":"24hrTicker","E":1709649001123,"s":"BTCUSDT","c":"one","b":"1","a":"2"}}""",
            BinanceMessages.Ticker("BTCUSDT", "0", "1", "2", E1),
            BinanceMessages.Ticker("BTCUSDT", "67450.12", "67450.11", "67450.13", E1));

        var quote = await quotes.NextAsync();
        Assert.Equal((67450.12m, 1L), (quote.Price, quote.Sequence));
        var line = Assert.Single(_app.Logged("FeedMessageMalformed"));
        Assert.Contains("binance", line.Message, StringComparison.Ordinal);

        await connection.SendAsync(BinanceMessages.Error(3, "Invalid JSON: expected value at line 1 column 1"));

        var dropped = Assert.Single(await _app.WaitForLogAsync("FeedDisconnected"));
        Assert.Contains("the venue reported an error: code 3: Invalid JSON", dropped.Message, StringComparison.Ordinal);
        await _app.WaitForStaleAsync("BTCUSDT", stale: true);
        Assert.StartsWith("closed by the feed", await connection.Ended.DefaultTimeout(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_EndsTheFeedCleanly()
    {
        var connection = await _venue.NextConnectionAsync();
        var logs = _app.Services.GetFakeLogCollector();
        var feed = _app.Services.GetServices<IHostedService>().OfType<BinanceFeed>().Single();

        await _app.DisposeAsync().AsTask().DefaultTimeout();

        Assert.True(feed.ExecuteTask!.IsCompletedSuccessfully);
        Assert.StartsWith("aborted", await connection.Ended.DefaultTimeout(), StringComparison.Ordinal);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Name == "FeedStopped" && r.Message.Contains("binance", StringComparison.Ordinal));
    }

    /// <summary>The real app streaming BTCUSDT and ETHUSDT from <paramref name="venue"/>.</summary>
    internal static TickerAppFactory CreateApp(FakeVenue venue)
    {
        // BTCUSDT is also a simulated instrument here: configured for Binance, it takes Binance as its source.
        var app = FeedTesting.CreateApp(
            ("Feeds:Binance:Url", venue.Address.ToString()),
            ("Feeds:Binance:Symbols:0", "BTCUSDT"),
            ("Feeds:Binance:Symbols:1", "ethusdt"),
            ("Ticker:Symbols:BTCUSDT", "60000"),
            ("Ticker:Symbols:XRP-USD", "0.5"));
        _ = app.Services; // starts the host, and with it the feed
        return app;
    }
}
