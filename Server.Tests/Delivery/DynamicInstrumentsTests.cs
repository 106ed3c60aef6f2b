using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>
/// Instruments come and go while connections are subscribed: new ones can be subscribed to and tick at once, a
/// removed one ends its subscriptions with <c>Unsubscribed</c> and nothing of it follows, and a connection's memory
/// follows its own subscriptions, not the size of the universe.
/// </summary>
public sealed class DynamicInstrumentsTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private InstrumentRegistry Instruments => _app.Services.GetRequiredService<InstrumentRegistry>();

    [Fact]
    public async Task InstrumentsAddedWhileSubscribed_CanBeSubscribedAndTick_WithoutDisturbingOthers()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        _app.Tick();
        Assert.Equal(("BTC-USD", 1L), Describe(await quotes.NextAsync()));

        for (var i = 0; i < 500; i++)
        {
            Assert.True(Instruments.Add($"NEW{i}-USD", InstrumentSource.Simulated, 10m + i));
        }

        var snapshot = await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "NEW42-USD" }).DefaultTimeout();
        Assert.Equal(("NEW42-USD", 0L), Describe(Assert.Single(snapshot)));
        Assert.Equal(52m, snapshot[0].Price);

        _app.Tick();
        var tick = await quotes.UntilAsync(q => q.Symbol == "NEW42-USD");
        Assert.Equal([("BTC-USD", 2L), ("NEW42-USD", 1L)], tick.Select(Describe).Order());
        Assert.Empty(quotes.Drain());
    }

    [Fact]
    public async Task InstrumentRemoved_EndsItsSubscriptionsWithUnsubscribed_AndNoLaterQuote()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        var unsubscribed = new TaskCompletionSource<(string[] Symbols, string Reason)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterNotice = 0;
        hub.On<string[], string>(nameof(ITickerClient.Unsubscribed), (symbols, reason) => unsubscribed.TrySetResult((symbols, reason)));
        hub.On<Quote>(nameof(ITickerClient.Quote), q =>
        {
            if (unsubscribed.Task.IsCompleted && q.Symbol == "ETH-USD")
            {
                Interlocked.Increment(ref afterNotice);
            }
        });
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout();
        _app.Tick();
        await quotes.UntilAsync(q => q.Symbol == "ETH-USD");

        Assert.True(await Instruments.RemoveAsync("ETH-USD", CancellationToken.None));

        var (symbols, reason) = await unsubscribed.Task.DefaultTimeout();
        Assert.Equal(["ETH-USD"], symbols);
        Assert.Equal(UnsubscribedReasons.InstrumentRemoved, reason);
        Assert.Equal(["BTC-USD"], await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());
        for (var i = 0; i < 5; i++)
        {
            _app.Tick();
            await quotes.UntilAsync(q => q.Symbol == "BTC-USD");
        }

        Assert.Equal(0, Volatile.Read(ref afterNotice));
        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(
            () => hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ETH-USD" }).DefaultTimeout());
        Assert.Contains("'ETH-USD' is not a known symbol", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionMemory_FollowsItsOwnSubscriptions_NotTheNumberOfInstruments()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        // A few ticks first, so both of its queue arrays exist: their size is then steady.
        for (var tick = 1; tick <= 3; tick++)
        {
            _app.Tick();
            await quotes.NextAsync();
        }

        var live = Live(hub);
        var before = live.Writer.AllocatedSlots;

        for (var i = 0; i < 10_000; i++)
        {
            Instruments.Add($"U{i}", InstrumentSource.Simulated, 1m);
        }

        for (var tick = 4; tick <= 6; tick++)
        {
            _app.Tick();
            Assert.Equal(("BTC-USD", (long)tick), Describe(await quotes.NextAsync()));
        }

        Assert.Equal(before, live.Writer.AllocatedSlots);
        Assert.True(before <= 16, $"a connection holding one symbol holds {before} slots");

        // Its own subscriptions are what it pays for.
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), Enumerable.Range(0, 40).Select(i => $"U{i}").ToArray()).DefaultTimeout();
        Assert.True(live.Writer.AllocatedSlots > before);
    }

    private LiveConnection Live(HubConnection hub)
    {
        Assert.True(_app.Services.GetRequiredService<LiveConnections>().TryGet(hub.ConnectionId!, out var live));
        return live;
    }

    private static (string, long) Describe(Quote quote) => (quote.Symbol, quote.Sequence);
}
