using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Tests.Delivery;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Ticker;

public sealed class RandomWalkQuoteSourceTests
{
    [Fact]
    public void Move_KeepsPricesPositiveAndRounded()
    {
        // A wild market, so rounding and the floor are exercised.
        var source = new RandomWalkQuoteSource(Options.Create(new TickerOptions { Volatility = 0.1 }));
        var price = 0.05m;
        for (var i = 1; i <= 5_000; i++)
        {
            var next = source.Move("SOL-USD", price);
            Assert.True(next > 0, $"tick {i}: price {next}");
            Assert.Equal(Math.Round(next, 2), next);
            price = next;
        }
    }

    [Fact]
    public void Move_WalksAwayFromTheStart()
    {
        var source = new RandomWalkQuoteSource(Options.Create(new TickerOptions()));
        var prices = new HashSet<decimal>();
        var price = 42_000m;
        for (var i = 0; i < 100; i++)
        {
            price = source.Move("BTC-USD", price);
            prices.Add(price);
        }

        Assert.True(prices.Count > 50, $"100 steps of BTC-USD visited only {prices.Count} prices");
    }

    [Fact]
    public void Prices_CryptoQuotedSymbolsKeepEightDecimals() =>
        Assert.Equal(0.05951234m, Prices.Round("ETH-BTC", 0.0595123449m));
}

/// <summary>The feed inside the real host: it ticks on fake time, survives failures and stops cleanly.</summary>
public sealed class QuoteFeedServiceTests : IAsyncLifetime
{
    private readonly FlakySource _source = new();
    private readonly TickerAppFactory _app;

    public QuoteFeedServiceTests() =>
        _app = new TickerAppFactory
        {
            TestServices = services =>
            {
                services.AddSingleton<IQuoteSource>(_source);
                services.AddLogging(logging => logging.AddFakeLogging());
            },
        };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Feed_FailureInOneTick_IsLoggedAndTheNextTickGoesOn()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout();

        _app.Tick();
        var first = await quotes.UntilAsync(q => q.Symbol == "ETH-USD");
        _source.FailNext("BTC-USD");
        _app.Tick();
        var second = await quotes.UntilAsync(q => q.Symbol == "ETH-USD");
        _app.Tick();
        var third = await quotes.UntilAsync(q => q.Symbol == "ETH-USD");

        Assert.Equal([1, 1], first.Select(q => q.Sequence));
        Assert.Equal(["ETH-USD"], second.Select(q => q.Symbol));        // BTC-USD failed this tick, ETH-USD still moved
        Assert.Equal([2, 3], third.Select(q => q.Sequence));             // BTC-USD resumes with no gap in its sequence

        var failure = Assert.Single(_app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "MoveFailed");
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Contains("BTC-USD", failure.Message, StringComparison.Ordinal);
        Assert.Equal("scripted failure for BTC-USD", failure.Exception?.Message);
    }

    [Fact]
    public async Task Feed_StopsCleanlyWithTheHost()
    {
        var feed = _app.Services.GetServices<IHostedService>().OfType<SimulatedFeed>().Single();
        Assert.False(feed.ExecuteTask!.IsCompleted);

        await _app.Services.GetRequiredService<IHost>().StopAsync().DefaultTimeout();

        Assert.True(feed.ExecuteTask.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Feed_DoesNotWaitForASendThatNeverCompletes()
    {
        await using var app = new TickerAppFactory();
        // A connection subscribed to ETH-USD whose writes never complete, as with a client whose socket stopped draining.
        await using var stuck = await StuckConnection.JoinAsync(app, "ETH-USD");
        var (hub, quotes) = await app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD", "SOL-USD" }).DefaultTimeout();

        for (var tick = 1; tick <= 20; tick++)
        {
            app.Tick();
            var seen = await quotes.UntilAsync(q => q.Symbol == "SOL-USD");
            Assert.Equal([tick, tick], seen.Select(q => q.Sequence));
        }

        // Its first write is still pending; later quotes wait for it (a bounded number, then conflated).
        Assert.Equal(1, stuck.Writes);
    }

    /// <summary>The real random walk, except that it can be told to fail one symbol's next move.</summary>
    private sealed class FlakySource : IQuoteSource
    {
        private readonly RandomWalkQuoteSource _walk = new(Options.Create(new TickerOptions()));
        private string? _failNext;

        public void FailNext(string symbol) => Volatile.Write(ref _failNext, symbol);

        public decimal Move(string symbol, decimal price) =>
            Interlocked.CompareExchange(ref _failNext, null, symbol) == symbol
                ? throw new InvalidOperationException($"scripted failure for {symbol}")
                : _walk.Move(symbol, price);
    }
}
