namespace SignalRTicker.Server.Instruments;

/// <summary>
/// One instrument's live state: its latest quote, its sequence and its recent history. Quotes are recorded one at a
/// time under its lock, so sequences rise by one per quote and a quote older than the latest is refused.
/// </summary>
public sealed class Instrument
{
    private readonly Lock _gate = new();
    private readonly QuoteHistory _history;

    /// <summary>Reference prices with the first sequence each applies to (one per UTC day for non-simulated sources).</summary>
    private readonly List<(long From, decimal Reference)> _references = [];

    private DateOnly _referenceDay;
    private Quote? _latest;
    private long _sequence;
    private long _reserved;
    private volatile bool _stale;

    internal Instrument(InstrumentState state, int historySize)
    {
        Symbol = state.Symbol;
        Source = state.Source;
        StartPrice = state.StartPrice;
        _history = new QuoteHistory(historySize);
        _sequence = state.Sequence;
        _reserved = state.Sequence;
        _latest = state.Latest;
        if (state.Reference is { } reference)
        {
            _references.Add((state.Sequence + 1, reference));
            _referenceDay = state.ReferenceDay;
        }
    }

    public string Symbol { get; }

    public InstrumentSource Source { get; }

    /// <summary>A simulated instrument's starting price, against which its change is measured.</summary>
    public decimal? StartPrice { get; }

    /// <summary>The latest quote; for a simulated instrument before its first tick, its opening price.</summary>
    public Quote? Latest => Volatile.Read(ref _latest);

    /// <summary>The last sequence assigned (0 before the first quote).</summary>
    public long Sequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>True while the upstream feed that prices this instrument is disconnected.</summary>
    public bool Stale
    {
        get => _stale;
        set => _stale = value;
    }

    /// <summary>
    /// The highest sequence saved as possibly used: a restart carries on after it. Quotes may run past it only while
    /// the database cannot be written (see <see cref="Overrun"/>).
    /// </summary>
    public long ReservedSequence
    {
        get
        {
            lock (_gate)
            {
                return _reserved;
            }
        }
    }

    /// <summary>True when quotes have been given sequences past the saved reservation.</summary>
    public bool Overrun
    {
        get
        {
            lock (_gate)
            {
                return _sequence > _reserved;
            }
        }
    }

    /// <summary>Records that sequences up to <paramref name="through"/> are saved as possibly used.</summary>
    internal void Reserved(long through)
    {
        lock (_gate)
        {
            _reserved = Math.Max(_reserved, through);
        }
    }

    /// <summary>What to persist so the instrument carries on after a restart.</summary>
    public InstrumentState State
    {
        get
        {
            lock (_gate)
            {
                var reference = _references.Count > 0 ? _references[^1].Reference : (decimal?)null;
                return new InstrumentState(Symbol, Source, StartPrice, _sequence, _latest, reference, _referenceDay);
            }
        }
    }

    /// <summary>Sequences and records a new price; null when it is older than the latest quote (ignored).</summary>
    internal Quote? Record(in PriceUpdate update, DateTimeOffset now)
    {
        var timestamp = (update.Timestamp ?? now).ToUniversalTime();
        lock (_gate)
        {
            if (_latest is { Sequence: > 0 } latest && timestamp < latest.Timestamp)
            {
                return null;
            }

            var sequence = ++_sequence;
            var reference = ReferenceFor(update.Price, timestamp, sequence);
            var quote = Prices.Quote(Symbol, update.Price, reference, sequence, timestamp, update.Bid, update.Ask);
            Volatile.Write(ref _latest, quote);
            _history.Add(sequence, new HistoryEntry(timestamp.UtcTicks, update.Price, update.Bid ?? 0m, update.Ask ?? 0m));
            return quote;
        }
    }

    /// <summary>
    /// Takes a quote another node sequenced (a cluster): newer than the latest, it becomes the latest and joins the
    /// history; otherwise (a repeat, or one overtaken) it is refused.
    /// </summary>
    internal bool Apply(Quote quote)
    {
        lock (_gate)
        {
            if (quote.Sequence <= _sequence)
            {
                return false;
            }

            _sequence = quote.Sequence;
            Volatile.Write(ref _latest, quote);
            _history.Add(quote.Sequence, new HistoryEntry(quote.Timestamp.UtcTicks, quote.Price, quote.Bid ?? 0m, quote.Ask ?? 0m));
            if (StartPrice is null && (_references.Count == 0 || _references[^1].Reference != quote.Price - quote.Change))
            {
                _references.Add((quote.Sequence, quote.Price - quote.Change));
                _referenceDay = DateOnly.FromDateTime(quote.Timestamp.UtcDateTime);
            }

            return true;
        }
    }

    /// <summary>
    /// The quotes after <paramref name="since"/>, oldest first, at most <paramref name="limit"/>. Complete when none
    /// after <paramref name="since"/> has left the history.
    /// </summary>
    public HistoryRead ReadHistory(long since, int limit)
    {
        lock (_gate)
        {
            if (_history.Count == 0 || since >= _history.LastSequence)
            {
                return new HistoryRead([], since >= _sequence);
            }

            var from = Math.Max(since + 1, _history.FirstSequence);
            var to = Math.Min(_history.LastSequence, from + limit - 1);
            var quotes = new List<Quote>((int)Math.Max(0, to - from + 1));
            for (var sequence = from; sequence <= to; sequence++)
            {
                var entry = _history[sequence];
                quotes.Add(Prices.Quote(
                    Symbol,
                    entry.Price,
                    ReferenceAt(sequence),
                    sequence,
                    new DateTimeOffset(entry.TimestampUtcTicks, TimeSpan.Zero),
                    entry.Bid == 0m ? null : entry.Bid,
                    entry.Ask == 0m ? null : entry.Ask));
            }

            return new HistoryRead(quotes, since + 1 >= _history.FirstSequence);
        }
    }

    /// <summary>Under the lock: the reference for a new quote. Simulated: the start price; others: the day's first quote.</summary>
    private decimal ReferenceFor(decimal price, DateTimeOffset timestamp, long sequence)
    {
        if (StartPrice is { } start)
        {
            return start;
        }

        var day = DateOnly.FromDateTime(timestamp.UtcDateTime);
        if (_references.Count == 0 || day > _referenceDay)
        {
            _referenceDay = day;
            // References older than the history are no longer read; keep the list as short as the days it spans.
            while (_references.Count > 1 && _references[1].From <= _history.FirstSequence)
            {
                _references.RemoveAt(0);
            }

            _references.Add((sequence, price));
        }

        return _references[^1].Reference;
    }

    private decimal ReferenceAt(long sequence)
    {
        if (StartPrice is { } start)
        {
            return start;
        }

        for (var i = _references.Count - 1; i >= 0; i--)
        {
            if (_references[i].From <= sequence)
            {
                return _references[i].Reference;
            }
        }

        return _references.Count > 0 ? _references[0].Reference : 0m;
    }
}
