using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Instruments;

/// <summary>
/// The instruments the gateway knows: the one place quotes are sequenced and recorded before they reach subscribers.
/// Instruments can be added and removed while the server runs; a removal is announced on the control channel, so
/// every subscription to it ends.
/// </summary>
public sealed class InstrumentRegistry : IInstrumentCatalog
{
    private readonly ConcurrentDictionary<string, Instrument> _instruments = new(StringComparer.Ordinal);
    private readonly IQuoteSink _sink;
    private readonly IControlChannel _control;
    private readonly TickerMetrics _metrics;
    private readonly IOptions<TickerOptions> _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, bool> _removed = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Lock _recordOrder = new();
    private string[]? _symbols;

    public InstrumentRegistry(IOptions<TickerOptions> options, TimeProvider time, IQuoteSink sink, IControlChannel control, TickerMetrics metrics)
    {
        _options = options;
        _time = time;
        _sink = sink;
        _control = control;
        _metrics = metrics;
    }

    public int Count => _instruments.Count;

    public bool Contains(string symbol) => _instruments.ContainsKey(symbol);

    public bool TryGet(string symbol, [NotNullWhen(true)] out Instrument? instrument) => _instruments.TryGetValue(symbol, out instrument);

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
                symbols = [.. _instruments.Keys.Order(StringComparer.Ordinal)];
                Volatile.Write(ref _symbols, symbols);
                return symbols;
            }
        }
    }

    /// <summary>Every instrument, in no particular order.</summary>
    public ICollection<Instrument> All => _instruments.Values;

    /// <summary>The latest quote of the symbol; false when unknown or not yet quoted.</summary>
    public bool TryGetLatest(string symbol, [NotNullWhen(true)] out Quote? quote)
    {
        quote = _instruments.TryGetValue(symbol, out var instrument) ? instrument.Latest : null;
        return quote is not null;
    }

    /// <summary>
    /// Adds a new instrument: a simulated one starts at <paramref name="startPrice"/>, any other waits for its first
    /// quote. False when the symbol exists.
    /// </summary>
    public bool Add(string symbol, InstrumentSource source, decimal? startPrice = null)
    {
        Quote? opening = null;
        if (source == InstrumentSource.Simulated)
        {
            var price = Prices.Round(symbol, startPrice ?? throw new ArgumentNullException(nameof(startPrice), "A simulated instrument needs a start price."));
            opening = Prices.Opening(symbol, price, price, 0, _time.GetUtcNow());
            startPrice = price;
        }

        return Restore(new InstrumentState(symbol, source, source == InstrumentSource.Simulated ? startPrice : null, 0, opening));
    }

    /// <summary>Adds an instrument as it stood (after a restart, or from another node); false when the symbol exists.</summary>
    public bool Restore(InstrumentState state)
    {
        if (!_instruments.TryAdd(state.Symbol, new Instrument(state, _options.Value.HistorySize)))
        {
            return false;
        }

        _removed.TryRemove(state.Symbol, out _);
        Changed();
        return true;
    }

    /// <summary>
    /// Gives a known instrument another source (configuration now names a feed for it), keeping its sequence and
    /// latest quote; false when the symbol is unknown.
    /// </summary>
    public bool ChangeSource(string symbol, InstrumentSource source)
    {
        if (!_instruments.TryGetValue(symbol, out var current))
        {
            return false;
        }

        var state = current.State with { Source = source, StartPrice = source == InstrumentSource.Simulated ? current.StartPrice : null };
        return _instruments.TryUpdate(symbol, new Instrument(state, _options.Value.HistorySize), current);
    }

    /// <summary>
    /// Puts a known instrument where <paramref name="state"/> says it stands (its sequence and latest quote, as a
    /// cluster holds them), in place of what this node restored; its source stays. False when the symbol is unknown.
    /// </summary>
    public bool Reset(InstrumentState state)
    {
        if (!_instruments.TryGetValue(state.Symbol, out var current))
        {
            return false;
        }

        var next = new Instrument(state with { Source = current.Source, StartPrice = current.StartPrice }, _options.Value.HistorySize) { Stale = current.Stale };
        return _instruments.TryUpdate(state.Symbol, next, current);
    }

    /// <summary>True when an admin removed the symbol (and nobody added it again): configured defaults leave it out.</summary>
    public bool WasRemoved(string symbol) => _removed.ContainsKey(symbol);

    /// <summary>Remembers a removal made before this start.</summary>
    internal void MarkRemoved(string symbol) => _removed[symbol] = true;

    /// <summary>Adds an instrument an admin created and announces it, so every node knows it; false when the symbol exists.</summary>
    public async Task<bool> AddAsync(InstrumentState state, CancellationToken cancellationToken)
    {
        if (!Restore(state))
        {
            return false;
        }

        await _control.PublishAsync(InstrumentAdded.Of(state), cancellationToken);
        return true;
    }

    /// <summary>Removes an instrument and announces it, so every subscription to it ends; false when unknown.</summary>
    public async Task<bool> RemoveAsync(string symbol, CancellationToken cancellationToken)
    {
        if (!Forget(symbol))
        {
            return false;
        }

        await _control.PublishAsync(new InstrumentRemoved(symbol), cancellationToken);
        return true;
    }

    /// <summary>
    /// Removes an instrument without announcing it: one another node removed, whose announcement reaches this node's
    /// subscribers on its own. False when unknown.
    /// </summary>
    public bool Forget(string symbol)
    {
        if (!_instruments.TryRemove(symbol, out _))
        {
            return false;
        }

        _removed[symbol] = true;
        Changed();
        return true;
    }

    /// <summary>
    /// Sequences and records prices made together (one tick, one publisher's batch) and delivers them as one batch.
    /// A price older than its instrument's latest quote is ignored; one for an unknown instrument is dropped.
    /// </summary>
    public PublishResult Record(IReadOnlyList<PriceUpdate> updates)
    {
        var now = _time.GetUtcNow();
        var recorded = new List<Quote>(updates.Count);
        var ignored = 0;

        // Sequenced and handed to the delivery in one step: two publishers of one instrument at once would otherwise
        // hand over its quotes out of sequence, and a client that keeps order would drop the one that came late.
        lock (_recordOrder)
        {
            foreach (var update in updates)
            {
                if (!_instruments.TryGetValue(update.Symbol, out var instrument))
                {
                    continue; // removed since the caller checked
                }

                if (instrument.Record(update, now) is { } quote)
                {
                    recorded.Add(quote);
                }
                else
                {
                    ignored++;
                }
            }

            if (recorded.Count > 0)
            {
                _sink.Deliver(recorded);
                _metrics.QuotesPublished.Add(recorded.Count);
            }
        }

        if (ignored > 0)
        {
            _metrics.QuotesIgnored.Add(ignored);
        }

        return new PublishResult(recorded.Count, ignored);
    }

    /// <summary>
    /// Records quotes already sequenced elsewhere (by a cluster's engine) and delivers the ones newer than what this
    /// node holds, as one batch; returns how many were new.
    /// </summary>
    public int Apply(IReadOnlyList<Quote> quotes)
    {
        var applied = new List<Quote>(quotes.Count);
        lock (_recordOrder)
        {
            foreach (var quote in quotes)
            {
                if (_instruments.TryGetValue(quote.Symbol, out var instrument) && instrument.Apply(quote))
                {
                    applied.Add(quote);
                }
            }

            if (applied.Count > 0)
            {
                _sink.Deliver(applied);
                _metrics.QuotesPublished.Add(applied.Count);
            }
        }

        return applied.Count;
    }

    private void Changed() => Volatile.Write(ref _symbols, null);
}
