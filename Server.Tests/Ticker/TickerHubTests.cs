using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Ticker;

/// <summary>The hub through the official client; the feed ticks when the test moves fake time.</summary>
public sealed class TickerHubTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Subscribe_ReturnsSnapshotOfEachNewSymbol()
    {
        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;

        var snapshot = await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "btc-usd", " ETH-USD " }).DefaultTimeout();

        Assert.Equal(["BTC-USD", "ETH-USD"], snapshot.Select(q => q.Symbol));
        Assert.All(snapshot, q => Assert.True(q.Price > 0));

        var again = await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD", "SOL-USD" }).DefaultTimeout();
        Assert.Equal(["SOL-USD"], again.Select(q => q.Symbol));
        Assert.Equal(["BTC-USD", "ETH-USD", "SOL-USD"], await hub.InvokeAsync<string[]>(nameof(TickerHub.GetSubscriptions)).DefaultTimeout());
    }

    [Fact]
    public async Task Quotes_OnlyForSubscribedSymbols_WithoutGaps()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        var snapshot = await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        var received = new List<Quote>();
        for (var tick = 1; tick <= 40; tick++)
        {
            _app.Tick();
            received.Add(await quotes.NextAsync());
        }

        Assert.All(received, q => Assert.Equal("BTC-USD", q.Symbol));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => snapshot[0].Sequence + i), received.Select(q => q.Sequence));
        Assert.All(received, q => Assert.Equal(q.Price, Math.Round(q.Price, 2)));
        Assert.Empty(quotes.Drain());
    }

    [Fact]
    public async Task Unsubscribe_StopsDelivery()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD", "SOL-USD" }).DefaultTimeout();
        _app.Tick();
        await quotes.UntilAsync(q => q.Symbol == "SOL-USD");

        await hub.InvokeAsync(nameof(TickerHub.Unsubscribe), new[] { "eth-usd", "NOT-SUBSCRIBED", "💥" }).DefaultTimeout();
        for (var tick = 0; tick < 5; tick++)
        {
            _app.Tick();
            // Within a tick the feed publishes symbols in order, so SOL-USD arriving means ETH-USD's turn has passed.
            var seen = await quotes.UntilAsync(q => q.Symbol == "SOL-USD");
            Assert.DoesNotContain(seen, q => q.Symbol == "ETH-USD");
        }

        Assert.Equal(["BTC-USD", "SOL-USD"], await hub.InvokeAsync<string[]>(nameof(TickerHub.GetSubscriptions)).DefaultTimeout());
    }

    [Fact]
    public async Task Subscribe_NotEntitled_ThrowsNamingTheSymbolAndChangesNothing()
    {
        var key = await _app.CreateKeyAsync("user", "BTC-USD");
        var (hub, quotes) = await _app.ConnectAsync(key);
        await using var _hub = hub;

        var error = await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout());

        Assert.Contains("ETH-USD", error.Message);
        Assert.Contains("entitle", error.Message);
        Assert.Empty(await hub.InvokeAsync<string[]>(nameof(TickerHub.GetSubscriptions)).DefaultTimeout());

        // Entitled symbols still work on the same connection, and the refused one never arrives.
        await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        _app.Tick();
        Assert.Equal("BTC-USD", (await quotes.NextAsync()).Symbol);
    }

    public static TheoryData<string?, string> BadSymbols => new()
    {
        { "DOGE-EUR", "not a known symbol" },
        { "", "not a valid symbol" },
        { null, "not a valid symbol" },
        { "BTC USD", "not a valid symbol" },
        { "💥\u0000\u202e", "not a valid symbol" },
        { new string('A', 10_000), "10000 characters" },
    };

    [Theory]
    [MemberData(nameof(BadSymbols))]
    public async Task Subscribe_BadSymbol_ThrowsHubExceptionSayingWhy(string? symbol, string reason)
    {
        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;

        var error = await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD", symbol }).DefaultTimeout());

        Assert.Contains(reason, error.Message);
        Assert.True(error.Message.Length < 300, "the error echoes at most a short piece of the input");
        Assert.Empty(await hub.InvokeAsync<string[]>(nameof(TickerHub.GetSubscriptions)).DefaultTimeout());
    }

    [Fact]
    public async Task Subscribe_NullOrTooMany_Throws()
    {
        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;

        var none = await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), (string[]?)null).DefaultTimeout());
        var many = await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), Enumerable.Repeat("BTC-USD", 51).ToArray()).DefaultTimeout());

        Assert.Contains("array of symbols", none.Message);
        Assert.Contains("at most 50", many.Message);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task Subscribe_WrongArgumentType_FailsTheCallNotTheConnection()
    {
        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), 42).DefaultTimeout());

        Assert.Single(await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout());
    }
}
