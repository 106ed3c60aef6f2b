using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Instruments;

/// <summary>
/// The instruments the gateway knows and the latest quote of each: the one place quotes are recorded before they
/// reach subscribers. Instruments can be added and removed while the server runs; a removal is announced on the
/// control channel, so every subscription to it ends.
/// </summary>
public sealed class InstrumentRegistry : IInstrumentCatalog
{
    private readonly ConcurrentDictionary<string, Quote> _latest = new(StringComparer.Ordinal);
    private readonly IQuoteSink _sink;
    private readonly IControlChannel _control;
    private readonly TickerMetrics _metrics;
    private readonly Lock _gate = new();
    private string[]? _symbols;

    public InstrumentRegistry(IOptions<TickerOptions> options, TimeProvider time, IQuoteSink sink, IControlChannel control, TickerMetrics metrics)
    {
        _metrics = metrics;
        _sink = sink;
        _control = control;
        var now = time.GetUtcNow();
        var symbols = options.Value.Symbols.Count > 0 ? options.Value.Symbols : TickerOptions.DefaultSymbols;
        foreach (var (symbol, price) in symbols)
        {
            _latest[symbol] = Prices.Opening(symbol, price, now);
        }
    }

    public int Count => _latest.Count;

    public bool Contains(string symbol) => _latest.ContainsKey(symbol);

    /// <summary>Every known symbol, in ordinal order (a snapshot, rebuilt after each change).</summary>
    public IReadOnlyList<string> Symbols
    {
        get
        {
            if (Volatile.Read(ref _symbols) is { } symbols)
            {
                return symbols;
            }

            lock (_gate)
            {
                symbols = [.. _latest.Keys.Order(StringComparer.Ordinal)];
                Volatile.Write(ref _symbols, symbols);
                return symbols;
            }
        }
    }

    /// <summary>The latest quote of the symbol; before its first quote, its opening price with sequence 0.</summary>
    public bool TryGetLatest(string symbol, out Quote quote) => _latest.TryGetValue(symbol, out quote!);

    /// <summary>Adds an instrument starting at <paramref name="openingPrice"/>; false when it exists.</summary>
    public bool Add(string symbol, decimal openingPrice, DateTimeOffset now)
    {
        if (!_latest.TryAdd(symbol, Prices.Opening(symbol, openingPrice, now)))
        {
            return false;
        }

        Changed();
        return true;
    }

    /// <summary>Removes an instrument and announces it, so every subscription to it ends; false when unknown.</summary>
    public async Task<bool> RemoveAsync(string symbol, CancellationToken cancellationToken)
    {
        if (!_latest.TryRemove(symbol, out _))
        {
            return false;
        }

        Changed();
        await _control.PublishAsync(new InstrumentRemoved(symbol), cancellationToken);
        return true;
    }

    /// <summary>Records quotes made together and delivers them as one batch; quotes of unknown instruments are dropped.</summary>
    public void Publish(IReadOnlyList<Quote> quotes)
    {
        List<Quote>? known = null;
        for (var i = 0; i < quotes.Count; i++)
        {
            var quote = quotes[i];
            // An instrument removed while its quote was being made: the quote goes nowhere.
            if (_latest.TryGetValue(quote.Symbol, out var previous) && _latest.TryUpdate(quote.Symbol, quote, previous))
            {
                (known ??= new List<Quote>(quotes.Count)).Add(quote);
            }
        }

        if (known is not null)
        {
            _metrics.QuotesPublished.Add(known.Count);
            _sink.Deliver(known);
        }
    }

    private void Changed() => Volatile.Write(ref _symbols, null);
}
