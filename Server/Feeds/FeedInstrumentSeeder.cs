using Microsoft.Extensions.Options;
using SignalRTicker.Server.Feeds.Binance;
using SignalRTicker.Server.Feeds.Coinbase;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// At start, makes sure every instrument a feed prices exists: first those of the upstream feeds
/// (<c>Feeds:Coinbase:Products</c>, <c>Feeds:Binance:Symbols</c>), so a symbol configured for a feed takes that feed
/// as its source even when <c>Ticker:Symbols</c> or the defaults name it too; then the simulated instruments of
/// <c>Ticker:Symbols</c> (or the defaults). Runs before the feeds start (hosted services start in registration order).
/// </summary>
internal sealed class FeedInstrumentSeeder(
    InstrumentRegistry instruments,
    IOptions<TickerOptions> options,
    IOptions<CoinbaseFeedOptions> coinbase,
    IOptions<BinanceFeedOptions> binance,
    ILogger<FeedInstrumentSeeder> logger) : IHostedService, IInstrumentLoader
{
    public Task StartAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public Task LoadAsync(CancellationToken cancellationToken)
    {
        SeedUpstream(InstrumentSource.Coinbase, coinbase.Value.InstrumentSymbols, $"{CoinbaseFeedOptions.SectionName}:{nameof(CoinbaseFeedOptions.Products)}");
        SeedUpstream(InstrumentSource.Binance, binance.Value.InstrumentSymbols, $"{BinanceFeedOptions.SectionName}:{nameof(BinanceFeedOptions.Symbols)}");

        var symbols = options.Value.Symbols.Count > 0 ? options.Value.Symbols : TickerOptions.DefaultSymbols;
        var added = 0;
        foreach (var (symbol, price) in symbols)
        {
            // One an admin removed stays removed; one restored from the database carries on as it was.
            if (!instruments.WasRemoved(symbol) && instruments.Add(symbol, InstrumentSource.Simulated, price))
            {
                added++;
            }
        }

        FeedLog.InstrumentsSeeded(logger, added, instruments.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void SeedUpstream(InstrumentSource source, IReadOnlyList<string> symbols, string key)
    {
        if (symbols.Count == 0)
        {
            return;
        }

        var added = 0;
        foreach (var symbol in symbols)
        {
            if (instruments.Add(symbol, source))
            {
                added++;
            }
            else if (instruments.TryGet(symbol, out var existing) && existing.Source != source)
            {
                // Stored with another source before this start: the configured feed takes it over, sequence and all.
                FeedLog.FeedSymbolTaken(logger, symbol, source.Name(), existing.Source.Name());
                instruments.ChangeSource(symbol, source);
            }
        }

        FeedLog.FeedInstrumentsSeeded(logger, added, source.Name(), key);
    }
}
