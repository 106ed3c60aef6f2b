using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using SignalRTicker.Server.Metrics;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>
/// Over real loopback sockets, on fake time: a client that stops reading its socket costs the others nothing, holds
/// one slot per symbol on the server instead of a growing queue, gets the latest quote of each symbol when it reads
/// again, and is disconnected once stalled past Delivery:SlowConsumerTimeout.
/// </summary>
public sealed class SlowConsumerTests : IAsyncLifetime
{
    private static readonly string[] Symbols = ["BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD", "AVAX-USD", "LINK-USD", "DOT-USD", "ETH-BTC"];

    /// <summary>Ticks allowed to fill the server's pipe and the kernel's socket buffers before the stall shows.</summary>
    private const int MaxTicksToStall = 5_000;

    private readonly TickerAppFactory _app = new(kestrel: true);

    public SlowConsumerTests()
    {
        _app.Settings["Delivery:SlowConsumerTimeout"] = "00:00:05";
        _app.Settings["Delivery:ConflateAfter"] = "00:00:00";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task StalledReader_DoesNotHoldUpOthers_StaysBounded_GetsLatestOnResume_AndIsCutOffPastTheBound()
    {
        var meters = _app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var conflated = new MetricCollector<long>(meters, TickerMetrics.MeterName, "ticker.quotes.conflated");
        using var disconnects = new MetricCollector<long>(meters, TickerMetrics.MeterName, "ticker.slow_consumer.disconnects");
        var (healthy, quotes) = await _app.ConnectAsync();
        await using var _healthy = healthy;
        await healthy.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), Symbols).DefaultTimeout();
        var (stalled, _) = await RawTickerSocket.SubscribeAsync(_app, Symbols);
        await using var _stalled = stalled;

        // The stalled client reads nothing from here on. Tick until the server's write to it stays pending, which
        // shows as conflation; the healthy client must get every quote of every tick meanwhile.
        var tick = 0;
        while (Conflated() == 0)
        {
            Assert.True(tick < MaxTicksToStall, $"no write to the stalled client was pending after {tick} ticks");
            await TickAndExpectEveryQuoteAsync(++tick);
        }

        // Stalled: each further tick overwrites its slots (one per symbol) instead of queueing anything new.
        var before = Conflated();
        for (var i = 0; i < 20; i++)
        {
            await TickAndExpectEveryQuoteAsync(++tick);
        }

        Assert.Equal(before + 20 * Symbols.Length, Conflated());

        // Reading again: the backlog that was already in the pipes drains, then the latest quote of every symbol arrives.
        var resumed = await stalled.ReadQuotesUntilAsync(read => Symbols.All(s => read.Any(q => q.Symbol == s && q.Sequence == tick)));
        Assert.Contains(resumed, q => q.Sequence < tick - 1);   // it did miss intermediate ticks, and the sequence shows it

        // Stalled again, past the 5 s bound (50 ticks of 100 ms after its write went pending): disconnected, and counted.
        var stallStart = Conflated();
        while (Conflated() == stallStart)
        {
            Assert.True(tick < MaxTicksToStall * 2, $"no write to the stalled client was pending after {tick} ticks");
            await TickAndExpectEveryQuoteAsync(++tick);
        }

        for (var i = 0; i < 60 && disconnects.GetMeasurementSnapshot().EvaluateAsCounter() == 0; i++)
        {
            await TickAndExpectEveryQuoteAsync(++tick);
        }

        Assert.Equal(1, disconnects.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.True(await stalled.ClosedByServerAsync(), "the server did not close the stalled connection");
        await TickAndExpectEveryQuoteAsync(++tick);
        Assert.Equal(HubConnectionState.Connected, healthy.State);

        long Conflated() => conflated.GetMeasurementSnapshot().EvaluateAsCounter();

        async Task TickAndExpectEveryQuoteAsync(int expected)
        {
            _app.Tick();
            // The feed moves symbols in ordinal order, so the last of them closes a tick.
            var seen = await quotes.UntilAsync(q => q.Symbol == Symbols.Max(StringComparer.Ordinal) && q.Sequence == expected);
            Assert.Equal(Symbols.Order(StringComparer.Ordinal), seen.Select(q => q.Symbol).Order(StringComparer.Ordinal));
            Assert.All(seen, q => Assert.Equal(expected, q.Sequence));
        }
    }
}
