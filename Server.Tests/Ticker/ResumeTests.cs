using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRTicker.Server.Tests.Ticker;

/// <summary><c>Resume</c>: a client that reconnects gets back exactly what it missed while history holds it.</summary>
public sealed class ResumeTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public ResumeTests() => _app.Settings["Ticker:HistorySize"] = "10";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ResumeAfterADrop_ReturnsExactlyTheMissedQuotes_ThenTheLiveStream()
    {
        var last = await SeeTicksThenDropAsync(ticks: 3);
        for (var i = 0; i < 4; i++)
        {
            _app.Tick();
        }

        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        var recovery = Assert.Single(await hub.InvokeAsync<SymbolRecovery[]>(nameof(ITickerHub.Resume), new[] { new SymbolPosition("BTC-USD", last) }).DefaultTimeout());

        Assert.Equal(("BTC-USD", true), (recovery.Symbol, recovery.Recovered));
        Assert.Equal([last + 1, last + 2, last + 3, last + 4], recovery.Quotes.Select(q => q.Sequence));
        Assert.Equal(["BTC-USD"], await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());
        _app.Tick();
        Assert.Equal(last + 5, (await quotes.NextAsync()).Sequence);
    }

    [Fact]
    public async Task ResumePastTheHistory_IsNotRecovered_AndGivesTheLatestOnly()
    {
        var last = await SeeTicksThenDropAsync(ticks: 1);
        for (var i = 0; i < 12; i++)
        {
            _app.Tick();
        }

        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;
        var recoveries = await hub.InvokeAsync<SymbolRecovery[]>(nameof(ITickerHub.Resume),
            new[] { new SymbolPosition("BTC-USD", last), new SymbolPosition("ETH-USD", 13) }).DefaultTimeout();

        var btc = recoveries.Single(r => r.Symbol == "BTC-USD");
        Assert.False(btc.Recovered);
        Assert.Equal([last + 12], btc.Quotes.Select(q => q.Sequence));
        var eth = recoveries.Single(r => r.Symbol == "ETH-USD");
        Assert.True(eth.Recovered);
        Assert.Empty(eth.Quotes);
    }

    [Fact]
    public async Task Resume_ChecksLikeSubscribe_AllOrNothing()
    {
        var limited = await _app.CreateKeyAsync("user", "BTC-USD");
        var (hub, _) = await _app.ConnectAsync(limited);
        await using var _hub = hub;

        foreach (var (positions, message) in new (object?[], string)[]
        {
            ([null], "Resume needs an array of positions"),
            ([new object?[] { null }], "positions[0] is null"),
            ([new[] { new SymbolPosition("BTC-USD", -1) }], "positions[0].sequence must be 0 or more"),
            ([new[] { new SymbolPosition("BTC-USD", 0), new SymbolPosition("ETH-USD", 0) }], "'ETH-USD' is not included in your API key's entitlements"),
            ([new[] { new SymbolPosition("NOPE", 0) }], "'NOPE' is not a known symbol"),
            ([new[] { new SymbolPosition("\u202e", 0) }], "is not a valid symbol"),
        })
        {
            var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeCoreAsync<SymbolRecovery[]>(nameof(ITickerHub.Resume), positions).DefaultTimeout());
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }

        Assert.Empty(await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    /// <summary>Subscribes, receives <paramref name="ticks"/> ticks of BTC-USD, disconnects; returns the last sequence seen.</summary>
    private async Task<long> SeeTicksThenDropAsync(int ticks)
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        long last = 0;
        for (var i = 0; i < ticks; i++)
        {
            _app.Tick();
            last = (await quotes.NextAsync()).Sequence;
        }

        await hub.DisposeAsync();
        return last;
    }
}
