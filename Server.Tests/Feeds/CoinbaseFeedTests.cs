using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>
/// The Coinbase feed inside the real host, against a fake Coinbase Exchange that speaks the documented shapes:
/// configured products become coinbase instruments, tickers reach subscribers exactly, and drops, errors, silence
/// and malformed messages are survived, logged and shown as stale.
/// </summary>
public sealed class CoinbaseFeedTests : IAsyncLifetime
{
    private const string T1 = "2024-03-05T14:30:01.123456Z";
    private const string T2 = "2024-03-05T14:30:02.5Z";
    private const string T3 = "2024-03-05T14:30:03.000001Z";

    private FakeVenue _venue = null!;
    private TickerAppFactory _app = null!;

    public async Task InitializeAsync()
    {
        _venue = await FakeVenue.StartAsync();
        // BTC-USD and ETH-USD are also simulated defaults: configured for Coinbase, they take it as their source.
        _app = FeedTesting.CreateApp(
            ("Feeds:Coinbase:Url", _venue.Address.ToString()),
            ("Feeds:Coinbase:Products:0", "BTC-USD"),
            ("Feeds:Coinbase:Products:1", "ETH-USD"),
            ("Feeds:Coinbase:Products:2", "ADA-USD"));
        _ = _app.Services; // starts the host, and with it the feed
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _venue.DisposeAsync();
    }

    [Fact]
    public async Task ConfiguredProducts_AreCoinbaseInstruments_StaleUntilTheVenueConfirms()
    {
        var connection = await _venue.NextConnectionAsync();

        foreach (var product in new[] { "BTC-USD", "ETH-USD", "ADA-USD" })
        {
            var listed = await _app.SymbolAsync(product);
            Assert.Equal((InstrumentSources.Coinbase, true), (listed.Source, listed.Stale));
            Assert.Null(listed.Price);
            Assert.Null(listed.Sequence);
        }

        Assert.Equal((InstrumentSources.Simulated, false), await SourceAndStaleAsync("SOL-USD"));

        await connection.ReceiveAsync();
        await connection.SendAsync(CoinbaseMessages.Subscriptions("BTC-USD", "ETH-USD", "ADA-USD"));
        await _app.WaitForStaleAsync("BTC-USD", stale: false);
        Assert.Equal((InstrumentSources.Coinbase, false), await SourceAndStaleAsync("ADA-USD"));

        // The random walk leaves a Coinbase instrument alone.
        _app.Tick();
        Assert.NotNull((await _app.SymbolAsync("SOL-USD")).Sequence);
        Assert.Null((await _app.SymbolAsync("BTC-USD")).Sequence);
    }

    [Fact]
    public async Task Subscribe_IsTheDocumentedRequest_ForTickerAndHeartbeat()
    {
        var connection = await _venue.NextConnectionAsync();

        var subscribe = JsonDocument.Parse(await connection.ReceiveAsync()).RootElement;

        Assert.Equal("/", connection.Path);
        Assert.Equal(["type", "product_ids", "channels"], subscribe.EnumerateObject().Select(p => p.Name));
        Assert.Equal("subscribe", subscribe.GetProperty("type").GetString());
        Assert.Equal(["BTC-USD", "ETH-USD", "ADA-USD"], subscribe.GetProperty("product_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["ticker", "heartbeat"], subscribe.GetProperty("channels").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Tickers_ReachSubscribers_WithTheVenuesPricesAndTime_InRisingSequences()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        Assert.Empty(await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout());
        var connection = await _venue.NextConnectionAsync();
        await connection.ReceiveAsync();

        await connection.SendAsync(
            CoinbaseMessages.Subscriptions("BTC-USD", "ETH-USD", "ADA-USD"),
            CoinbaseMessages.Heartbeat("BTC-USD", T1),
            CoinbaseMessages.Ticker("BTC-USD", "67450.12000000", "67450.11", "67450.13", T1, 37475248783),
            CoinbaseMessages.Status(),
            CoinbaseMessages.Ticker("ETH-USD", "3510.5", "3510.49", "3510.51", T1, 37475248790),
            CoinbaseMessages.Heartbeat("ETH-USD", T2),
            CoinbaseMessages.Ticker("BTC-USD", "67451", "67450.99", "67451.01", T2, 37475248791),
            // Out of order: older than BTC-USD's latest, so the gateway ignores it.
            CoinbaseMessages.Ticker("BTC-USD", "67449", "67448", "67450", T1, 37475248785),
            CoinbaseMessages.Ticker("BTC-USD", "67452.5", "67452.4", "67452.6", T3, 37475248799));

        var received = await quotes.UntilAsync(q => q.Symbol == "BTC-USD" && q.Price == 67452.5m);

        Assert.Equal(
            [
                ("BTC-USD", 67450.12m, 67450.11m, 67450.13m, At(T1), 1L),
                ("ETH-USD", 3510.5m, 3510.49m, 3510.51m, At(T1), 1L),
                ("BTC-USD", 67451m, 67450.99m, 67451.01m, At(T2), 2L),
                ("BTC-USD", 67452.5m, 67452.4m, 67452.6m, At(T3), 3L),
            ],
            received.Select(q => (q.Symbol, q.Price, q.Bid!.Value, q.Ask!.Value, q.Timestamp, q.Sequence)));
        Assert.Equal("67450.12", received[0].Price.ToString(CultureInfo.InvariantCulture)); // the venue's padding dropped
        var listed = await _app.SymbolAsync("BTC-USD");
        Assert.Equal((67452.5m, 3L, false), (listed.Price, listed.Sequence, listed.Stale));
        Assert.Empty(_app.Logged("FeedMessageMalformed"));
        Assert.Empty(_app.Logged("FeedDisconnected"));
    }

    [Fact]
    public async Task AbruptDrop_MarksStale_CountsAndLogsIt_ThenReconnectClearsIt()
    {
        using var disconnects = new MetricCollector<long>(_app.Services.GetRequiredService<IMeterFactory>(), TickerMetrics.MeterName, "ticker.feed.disconnects");
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        var first = await LiveConnectionAsync();
        await first.SendAsync(CoinbaseMessages.Ticker("BTC-USD", "67450.12", "67450.11", "67450.13", T1, 1));
        Assert.Equal(1, (await quotes.NextAsync()).Sequence);

        first.Drop();

        await _app.WaitForStaleAsync("BTC-USD", stale: true);
        var dropped = Assert.Single(await _app.WaitForLogAsync("FeedDisconnected"));
        Assert.Equal(LogLevel.Warning, dropped.Level);
        Assert.Contains("coinbase feed dropped", dropped.Message, StringComparison.Ordinal);
        Assert.Contains("without completing the close handshake", dropped.Message, StringComparison.Ordinal);
        var measurement = Assert.Single(disconnects.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(InstrumentSources.Coinbase, measurement.Tags[TickerMetrics.FeedTag]);

        await _app.AdvanceUntilAsync(() => _venue.ConnectionCount == 2);
        var second = await _venue.NextConnectionAsync();
        Assert.Contains("\"subscribe\"", await second.ReceiveAsync(), StringComparison.Ordinal);
        Assert.True((await _app.SymbolAsync("BTC-USD")).Stale); // connected, but nothing from the venue yet
        await second.SendAsync(CoinbaseMessages.Subscriptions("BTC-USD", "ETH-USD", "ADA-USD"));
        await _app.WaitForStaleAsync("BTC-USD", stale: false);
        await second.SendAsync(CoinbaseMessages.Ticker("BTC-USD", "67460", "67459.5", "67460.5", T2, 2));

        var after = await quotes.NextAsync();
        Assert.Equal((67460m, 2L, At(T2)), (after.Price, after.Sequence, after.Timestamp));
        Assert.Single(_app.Logged("FeedDisconnected"));
    }

    [Fact]
    public async Task VenueClose_AndVenueError_AreDrops_LoggedWithTheirReasons()
    {
        var first = await LiveConnectionAsync();

        await first.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going away");

        Assert.StartsWith("closed by the feed", await first.Ended.DefaultTimeout(), StringComparison.Ordinal);
        var closed = Assert.Single(await _app.WaitForLogAsync("FeedDisconnected"));
        Assert.Contains("the venue closed the connection (1001 going away)", closed.Message, StringComparison.Ordinal);
        await _app.WaitForStaleAsync("ETH-USD", stale: true);

        await _app.AdvanceUntilAsync(() => _venue.ConnectionCount == 2);
        var second = await _venue.NextConnectionAsync();
        await second.ReceiveAsync();
        await second.SendAsync(CoinbaseMessages.Error("Failed to subscribe", "ADA-USD is not a valid product"));

        var error = (await _app.WaitForLogAsync("FeedDisconnected", count: 2))[1];
        Assert.Contains("the venue reported an error: Failed to subscribe: ADA-USD is not a valid product", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("closed by the feed", await second.Ended.DefaultTimeout(), StringComparison.Ordinal);
        Assert.True((await _app.SymbolAsync("ETH-USD")).Stale);
    }

    [Fact]
    public async Task MalformedMessages_AreSkipped_CountedAndLoggedAtMostOncePerWindow()
    {
        using var malformedCount = new MetricCollector<long>(_app.Services.GetRequiredService<IMeterFactory>(), TickerMetrics.MeterName, "ticker.feed.malformed");
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        var connection = await LiveConnectionAsync();
        string[] malformed =
        [
            "not json at all",
            "{\"type\":\"ticker\",",
            "[1,2,3]",
            "null",
            "{\"product_id\":\"BTC-USD\",\"price\":\"1\"}",
            "{\"type\":\"ticker\",\"product_id\":\"BTC-USD\",\"best_bid\":\"1\",\"time\":\"" + T1 + "\"}",
            CoinbaseMessages.Ticker("BTC-USD", "-5", "1", "2", T1, 7),
            CoinbaseMessages.Ticker("BTC-USD", "abc", "1", "2", T1, 7),
            CoinbaseMessages.Ticker("BTC-USD", "5", "0", "2", T1, 7),
            CoinbaseMessages.Ticker("BTC USD!", "5", "4", "6", T1, 7),
            CoinbaseMessages.Ticker("BTC-USD", "5", "4", "6", "yesterday", 7),
        ];

        for (var round = 0; round < 3; round++)
        {
            await connection.SendAsync(malformed);
        }

        await connection.SendAsync(CoinbaseMessages.Ticker("BTC-USD", "67450.12", "67450.11", "67450.13", T1, 8));
        var quote = await quotes.NextAsync();

        Assert.Equal((67450.12m, 1L), (quote.Price, quote.Sequence));
        Assert.Equal(3 * malformed.Length, malformedCount.GetMeasurementSnapshot().EvaluateAsCounter());
        var line = Assert.Single(_app.Logged("FeedMessageMalformed"));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal("1", line.GetStructuredStateValue("Count"));
        Assert.Contains("not the JSON expected", line.Message, StringComparison.Ordinal);
        Assert.Equal(1, _venue.ConnectionCount);
        Assert.False((await _app.SymbolAsync("BTC-USD")).Stale);

        // Once the window has passed, the next one is logged with the count of those skipped since the last line.
        _app.Time!.Advance(TimeSpan.FromSeconds(10));
        await connection.SendAsync(malformed[6]);
        var lines = await _app.WaitForLogAsync("FeedMessageMalformed", count: 2);
        Assert.Equal((3 * malformed.Length).ToString(CultureInfo.InvariantCulture), lines[1].GetStructuredStateValue("Count"));
        Assert.Contains("a BTC-USD quote whose price is not positive", lines[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedMessage_IsSkippedAsMalformed_WhileLargeOnesAreRead()
    {
        using var malformedCount = new MetricCollector<long>(_app.Services.GetRequiredService<IMeterFactory>(), TickerMetrics.MeterName, "ticker.feed.malformed");
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        var connection = await LiveConnectionAsync();
        var large = new string('x', UpstreamFeed.MaxMessageBytes / 2);
        var oversized = new string('x', UpstreamFeed.MaxMessageBytes + 1);

        await connection.SendAsync(
            $$"""{"type":"ticker","product_id":"BTC-USD","price":"1","best_bid":"1","best_ask":"2","time":"{{T1}}","pad":"{{oversized}}"}""",
            $$"""{"type":"status","products":[],"pad":"{{large}}"}""",
            CoinbaseMessages.Ticker("BTC-USD", "67450.12", "67450.11", "67450.13", T1, 8));

        var quote = await quotes.NextAsync();
        Assert.Equal((67450.12m, 1L), (quote.Price, quote.Sequence));
        Assert.Equal(1, malformedCount.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Contains($"a message over {UpstreamFeed.MaxMessageBytes} bytes", Assert.Single(_app.Logged("FeedMessageMalformed")).Message, StringComparison.Ordinal);
        Assert.Equal(1, _venue.ConnectionCount);
    }

    [Fact]
    public async Task Silence_LongerThanTheIdleTimeout_IsADrop_WhileMessagesKeepTheLinkUp()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        var connection = await LiveConnectionAsync();

        // 40 s after connecting, but never 30 s without a message: still the same connection.
        _app.Time!.Advance(TimeSpan.FromSeconds(20));
        await connection.SendAsync(CoinbaseMessages.Heartbeat("BTC-USD", T1), CoinbaseMessages.Ticker("BTC-USD", "67450.12", "67450.11", "67450.13", T1, 8));
        Assert.Equal(1, (await quotes.NextAsync()).Sequence);
        _app.Time.Advance(TimeSpan.FromSeconds(20));
        await connection.SendAsync(CoinbaseMessages.Ticker("BTC-USD", "67451", "67450.5", "67451.5", T2, 9));
        Assert.Equal(2, (await quotes.NextAsync()).Sequence);
        Assert.Empty(_app.Logged("FeedDisconnected"));

        _app.Time.Advance(TimeSpan.FromSeconds(30));

        var dropped = Assert.Single(await _app.WaitForLogAsync("FeedDisconnected"));
        Assert.Contains("no message for 30 s", dropped.Message, StringComparison.Ordinal);
        await _app.WaitForStaleAsync("BTC-USD", stale: true);
        Assert.StartsWith("aborted", await connection.Ended.DefaultTimeout(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedConnections_BackOffExponentiallyWithJitter_AndLiveConnectionsResetIt()
    {
        await using var venue = await FakeVenue.StartAsync();
        venue.RefuseNext(4);
        await using var app = FeedTesting.CreateApp(
            ("Feeds:Coinbase:Url", venue.Address.ToString()),
            ("Feeds:Coinbase:Products:0", "BTC-USD"),
            ("Feeds:Coinbase:ReconnectDelay", "00:00:01"),
            ("Feeds:Coinbase:MaxReconnectDelay", "00:00:04"));
        _ = app.Services; // start

        await app.AdvanceUntilAsync(() => venue.ConnectionCount == 1);
        var refused = app.Logged("FeedDisconnected");
        Assert.Equal(4, refused.Count);
        Assert.All(refused, r => Assert.Contains("503", r.Message, StringComparison.Ordinal));
        var delays = refused.Select(r => r.DelayMs()).ToList();
        Assert.InRange(delays[0], 500, 1000);
        Assert.InRange(delays[1], 1000, 2000);
        Assert.InRange(delays[2], 2000, 4000);
        Assert.InRange(delays[3], 2000, 4000); // capped by MaxReconnectDelay

        var connection = await venue.NextConnectionAsync();
        await connection.ReceiveAsync();
        await connection.SendAsync(CoinbaseMessages.Subscriptions("BTC-USD"));
        await app.WaitForStaleAsync("BTC-USD", stale: false);
        connection.Drop();

        var afterLive = (await app.WaitForLogAsync("FeedDisconnected", count: 5))[4];
        Assert.InRange(afterLive.DelayMs(), 500, 1000);
    }

    [Fact]
    public async Task Shutdown_EndsTheFeedCleanly()
    {
        var connection = await LiveConnectionAsync();
        var logs = _app.Services.GetFakeLogCollector();

        await _app.DisposeAsync().AsTask().DefaultTimeout();

        Assert.StartsWith("aborted", await connection.Ended.DefaultTimeout(), StringComparison.Ordinal);
        var feedRecords = logs.GetSnapshot().Where(r => r.Category == typeof(Server.Feeds.Coinbase.CoinbaseFeed).FullName).ToList();
        Assert.Contains(feedRecords, r => r.Id.Name == "FeedStopped");
        Assert.DoesNotContain(feedRecords, r => r.Level >= LogLevel.Warning);
    }

    /// <summary>The feed's connection, subscribed and confirmed, with its instruments no longer stale.</summary>
    private async Task<VenueConnection> LiveConnectionAsync()
    {
        var connection = await _venue.NextConnectionAsync();
        await connection.ReceiveAsync();
        await connection.SendAsync(CoinbaseMessages.Subscriptions("BTC-USD", "ETH-USD", "ADA-USD"));
        await _app.WaitForStaleAsync("BTC-USD", stale: false);
        return connection;
    }

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);

    private async Task<(string Source, bool Stale)> SourceAndStaleAsync(string symbol)
    {
        var listed = await _app.SymbolAsync(symbol);
        return (listed.Source, listed.Stale);
    }
}
