using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Metrics;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>
/// The fan-out inside the real host on fake time: one write per connection per tick, conflation while a write is
/// pending, the latest quotes on resume, and a connection stalled past Delivery:SlowConsumerTimeout cut off.
/// </summary>
public sealed class QuoteDeliveryTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public QuoteDeliveryTests()
    {
        _app.Settings["Delivery:SlowConsumerTimeout"] = "00:00:02";
        // Conflate at once, so each test knows exactly which quotes a busy connection keeps.
        _app.Settings["Delivery:ConflateAfter"] = "00:00:00";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Delivery_CoalescesAConnectionsQuotesOfOneTickIntoOneWrite()
    {
        await using var connection = await StuckConnection.JoinAsync(_app, "BTC-USD", "ETH-USD", "SOL-USD");
        connection.Resume();

        _app.Tick();
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 1);
        _app.Tick();
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 2);

        Assert.All(connection.Written, write => Assert.Equal(["BTC-USD", "ETH-USD", "SOL-USD"], Quotes(write).Select(q => q.Symbol).Order()));
        Assert.Equal([2, 2, 2], Quotes(connection.Written[1]).Select(q => q.Sequence));
    }

    [Fact]
    public async Task Delivery_WhileAWriteIsPending_KeepsOnlyTheLatestQuoteOfEachSymbol_AndSendsItOnResume()
    {
        using var conflated = Collector<long>("ticker.quotes.conflated");
        await using var connection = await StuckConnection.JoinAsync(_app, "BTC-USD", "ETH-USD");
        _app.Tick();
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 1);

        // Tick 2 fills the empty slots; each later tick overwrites both, which is how the test knows it was handled.
        _app.Tick();
        for (var tick = 3; tick <= 6; tick++)
        {
            _app.Tick();
            var expected = 2 * (tick - 2);
            await TaskTimeoutExtensions.WaitUntilAsync(() => conflated.GetMeasurementSnapshot().EvaluateAsCounter() == expected);
        }

        Assert.Equal(1, connection.Writes);
        connection.Resume();
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 2);

        Assert.Equal([("BTC-USD", 6L), ("ETH-USD", 6L)], Quotes(connection.Written[1]).Select(q => (q.Symbol, q.Sequence)).Order());
        Assert.False(connection.Aborted.IsCompleted);
    }

    [Fact]
    public async Task Delivery_ConnectionStalledPastTheTimeout_IsDisconnected_AndCounted()
    {
        using var disconnects = Collector<long>("ticker.slow_consumer.disconnects");
        await using var connection = await StuckConnection.JoinAsync(_app, "BTC-USD");
        _app.Tick();
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 1);

        // 2 s allowed at 100 ms per tick: still connected after 20 more ticks, cut off on the next one after that.
        for (var tick = 0; tick < 20; tick++)
        {
            _app.Tick();
        }

        Assert.False(connection.Aborted.IsCompleted);
        _app.Tick();
        _app.Tick();
        await connection.Aborted.DefaultTimeout();
        Assert.Equal(1, disconnects.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task Metrics_CountPublishedDeliveredCoalescedConflatedConnectionsAndSubscriptions()
    {
        using var published = Collector<long>("ticker.quotes.published");
        using var delivered = Collector<long>("ticker.quotes.delivered");
        using var writes = Collector<long>("ticker.writes");
        using var conflated = Collector<long>("ticker.quotes.conflated");
        using var connections = Collector<long>("ticker.connections");
        using var subscriptions = Collector<long>("ticker.subscriptions");
        using var lag = Collector<double>("ticker.send.lag");

        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout();
        await using var stuck = await StuckConnection.JoinAsync(_app, "SOL-USD");
        _app.Tick();
        await quotes.UntilAsync(q => q.Symbol == "ETH-USD");
        _app.Tick();
        await quotes.UntilAsync(q => q.Symbol == "ETH-USD" && q.Sequence == 2);
        _app.Tick();
        await quotes.UntilAsync(q => q.Symbol == "ETH-USD" && q.Sequence == 3);
        await TaskTimeoutExtensions.WaitUntilAsync(() => delivered.GetMeasurementSnapshot().EvaluateAsCounter() == 6);

        var symbols = _app.Services.GetRequiredService<InstrumentRegistry>().Count;
        Assert.Equal(3 * symbols, published.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(3, writes.GetMeasurementSnapshot().EvaluateAsCounter());         // one per tick for the live client; the stuck one's first never completes
        Assert.Equal(1, conflated.GetMeasurementSnapshot().EvaluateAsCounter());      // the stuck one's third SOL-USD overwrote its second, still in its slot
        Assert.Equal(2, connections.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(3, subscriptions.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.NotEmpty(lag.GetMeasurementSnapshot());
    }

    private MetricCollector<T> Collector<T>(string instrument)
        where T : struct =>
        new(_app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), TickerMetrics.MeterName, instrument);

    /// <summary>The quotes of one write: SignalR JSON invocations, each ended by the record separator.</summary>
    private static List<Quote> Quotes(byte[] write) =>
        [.. System.Text.Encoding.UTF8.GetString(write).Split('\u001e', StringSplitOptions.RemoveEmptyEntries)
            .Select(json => JsonDocument.Parse(json).RootElement)
            .Select(message => message.GetProperty("arguments")[0].Deserialize<Quote>(JsonSerializerOptions.Web)!)];
}
