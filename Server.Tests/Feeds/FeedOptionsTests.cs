using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Feeds.Binance;
using SignalRTicker.Server.Feeds.Coinbase;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>The <c>Feeds:*</c> settings: documented defaults, lists in either form, and start refused naming a bad key.</summary>
public sealed class FeedOptionsTests
{
    [Theory]
    [InlineData("Feeds:Coinbase:Products:0", "btc_usd", "Feeds:Coinbase:Products names 'btc_usd', which is not a Coinbase product id such as BTC-USD")]
    [InlineData("Feeds:Coinbase:Products:0", "BTCUSD", "Feeds:Coinbase:Products names 'BTCUSD'")]
    [InlineData("Feeds:Coinbase:Url", "https://ws-feed.exchange.coinbase.com", "Feeds:Coinbase:Url must be a ws:// or wss:// address")]
    [InlineData("Feeds:Coinbase:ReconnectDelay", "00:00:00", "Feeds:Coinbase:ReconnectDelay must be above zero")]
    [InlineData("Feeds:Coinbase:IdleTimeout", "-00:00:01", "Feeds:Coinbase:IdleTimeout must be zero (off) or more")]
    [InlineData("Feeds:Binance:Symbols:0", "BTC-USDT", "Feeds:Binance:Symbols names 'BTC-USDT', which is not a Binance symbol such as BTCUSDT")]
    [InlineData("Feeds:Binance:Url", "stream.binance.com:9443", "Feeds:Binance:Url must be a ws:// or wss:// address")]
    [InlineData("Feeds:Binance:MaxReconnectDelay", "02:00:00", "Feeds:Binance:MaxReconnectDelay must be at most 01:00:00")]
    public async Task InvalidFeedSettings_RefuseToStartNamingTheKey(string key, string value, string message)
    {
        await using var app = new TickerAppFactory();
        app.Settings[key] = value;

        var error = Assert.Throws<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unconfigured_FeedsAreOff_AndDefaultToTheVenuesDocumentedAddresses()
    {
        await using var app = new TickerAppFactory();

        Assert.Equal("wss://ws-feed.exchange.coinbase.com", app.Services.GetRequiredService<IOptions<CoinbaseFeedOptions>>().Value.Url);
        Assert.Equal("wss://stream.binance.com:9443", app.Services.GetRequiredService<IOptions<BinanceFeedOptions>>().Value.Url);
        var feeds = app.Services.GetServices<IHostedService>().OfType<UpstreamFeed>().ToList();
        Assert.Equal(2, feeds.Count);
        Assert.All(feeds, feed => Assert.True(feed.ExecuteTask!.IsCompletedSuccessfully));
        Assert.DoesNotContain(app.Services.GetRequiredService<InstrumentRegistry>().All, i => i.Source is InstrumentSource.Coinbase or InstrumentSource.Binance);
    }

    [Fact]
    public async Task ListWrittenAsOneCommaSeparatedValue_NamesEachInstrument()
    {
        await using var app = FeedTesting.CreateApp(
            ("Feeds:Binance:Url", "ws://127.0.0.1:9"), // nothing listens: the feed keeps trying, its instruments stay stale
            ("Feeds:Binance:Symbols", "btcusdt, ETHUSDT,,btcusdt"));

        Assert.Equal((InstrumentSources.Binance, true), Describe(await app.SymbolAsync("BTCUSDT")));
        Assert.Equal((InstrumentSources.Binance, true), Describe(await app.SymbolAsync("ETHUSDT")));
        var seeded = Assert.Single(app.Logged("FeedInstrumentsSeeded"));
        Assert.Equal("2", seeded.GetStructuredStateValue("Added"));
    }

    private static (string Source, bool Stale) Describe(InstrumentInfo info) => (info.Source, info.Stale);
}
