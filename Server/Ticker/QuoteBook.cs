using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// The latest quote of every configured symbol: the one thread-safe place the feed writes and snapshots read.
/// Before the first tick each symbol holds its opening price with sequence 0.
/// </summary>
public sealed class QuoteBook : IInstrumentCatalog
{
    private readonly ConcurrentDictionary<string, Quote> _latest;

    public QuoteBook(IOptions<TickerOptions> options, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var symbols = options.Value.Symbols.Count > 0 ? options.Value.Symbols : TickerOptions.DefaultSymbols;
        _latest = new ConcurrentDictionary<string, Quote>(
            symbols.Select(s => KeyValuePair.Create(s.Key, Prices.Opening(s.Key, s.Value, now))),
            StringComparer.Ordinal);
        Symbols = [.. _latest.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every configured symbol, in order.</summary>
    public IReadOnlyList<string> Symbols { get; }

    public bool Contains(string symbol) => _latest.ContainsKey(symbol);

    public Quote this[string symbol] => _latest[symbol];

    public void Set(Quote quote) => _latest[quote.Symbol] = quote;
}
