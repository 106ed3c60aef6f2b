using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>
/// Puts one connection's quotes in order per symbol: drops repeats, counts gaps, and follows a server whose sequences
/// began again. While a connection is subscribing, the quotes pushed to it are held until what <c>Subscribe</c> or
/// <c>Resume</c> returned has been merged with them, so that a quote pushed before the answer arrives is neither
/// counted as a gap nor delivered ahead of the quotes it follows. Thread-safe; quotes are delivered under its lock,
/// one at a time.
/// </summary>
internal sealed class QuoteSequencer(Action<Quote> deliver)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Quote> _last = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenOnThisConnection = new(StringComparer.Ordinal);
    private List<Quote>? _held;
    private long _quotes, _duplicates, _gaps, _missed, _recovered, _notRecovered;

    public long Quotes => Interlocked.Read(ref _quotes);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Gaps => Interlocked.Read(ref _gaps);

    public long Missed => Interlocked.Read(ref _missed);

    public long Recovered => Interlocked.Read(ref _recovered);

    public long NotRecovered => Interlocked.Read(ref _notRecovered);

    /// <summary>A new connection is about to subscribe: hold what it pushes until <see cref="Settle"/>.</summary>
    public void BeginConnection()
    {
        lock (_lock)
        {
            _seenOnThisConnection.Clear();
            _held = [];
        }
    }

    /// <summary>A quote the server pushed.</summary>
    public void Push(Quote quote)
    {
        lock (_lock)
        {
            if (_held is { } held)
            {
                held.Add(quote);
                return;
            }

            Accept(quote);
        }
    }

    /// <summary>Where this client stands in each of <paramref name="symbols"/> it has had a quote of, for <c>Resume</c>.</summary>
    public List<SymbolPosition> Positions(IEnumerable<string> symbols)
    {
        lock (_lock)
        {
            var positions = new List<SymbolPosition>();
            foreach (var symbol in symbols)
            {
                if (_last.TryGetValue(symbol, out var last))
                {
                    positions.Add(new SymbolPosition(symbol, last.Sequence));
                }
            }

            return positions;
        }
    }

    /// <summary>
    /// Merges what <c>Resume</c> and <c>Subscribe</c> returned with the quotes pushed meanwhile, per symbol in sequence
    /// order, delivers them and stops holding. Returns the symbols whose missed quotes the server no longer had.
    /// </summary>
    public List<SymbolNotRecovered> Settle(IReadOnlyList<SymbolRecovery> recoveries, IReadOnlyList<Quote> snapshot)
    {
        lock (_lock)
        {
            var notRecovered = new List<SymbolNotRecovered>();
            var merged = new List<(Quote Quote, bool Recovered)>();
            foreach (var recovery in recoveries)
            {
                if (!recovery.Recovered && _last.TryGetValue(recovery.Symbol, out var last))
                {
                    var resumedAt = recovery.Quotes.Length > 0 ? recovery.Quotes[^1].Sequence : last.Sequence;
                    notRecovered.Add(new SymbolNotRecovered(recovery.Symbol, last.Sequence, resumedAt));
                }

                merged.AddRange(recovery.Quotes.Select(quote => (quote, recovery.Recovered)));
            }

            merged.AddRange(snapshot.Select(quote => (quote, false)));
            merged.AddRange((_held ?? []).Select(quote => (quote, false)));
            _held = null;

            // GroupBy keeps the symbols in the order they first appear, and OrderBy is stable.
            foreach (var (quote, recovered) in merged.GroupBy(item => item.Quote.Symbol, StringComparer.Ordinal).SelectMany(g => g.OrderBy(item => item.Quote.Sequence)))
            {
                if (Accept(quote) && recovered)
                {
                    Interlocked.Increment(ref _recovered);
                }
            }

            Interlocked.Add(ref _notRecovered, notRecovered.Count);
            return notRecovered;
        }
    }

    /// <summary>Forgets symbols the connection no longer holds.</summary>
    public void Forget(IEnumerable<string> symbols)
    {
        lock (_lock)
        {
            foreach (var symbol in symbols)
            {
                _last.Remove(symbol);
            }
        }
    }

    /// <summary>
    /// Counts and delivers a quote unless it was seen already. The first quote of a symbol on a new connection may go
    /// backwards: the server lost its state (a fresh database) and its sequences began again.
    /// </summary>
    private bool Accept(Quote quote)
    {
        var firstOnThisConnection = _seenOnThisConnection.Add(quote.Symbol);
        if (_last.TryGetValue(quote.Symbol, out var last))
        {
            var restarted = firstOnThisConnection && (quote.Sequence < last.Sequence || (quote.Sequence == last.Sequence && quote != last));
            if (!restarted && quote.Sequence <= last.Sequence)
            {
                Interlocked.Increment(ref _duplicates);
                return false;
            }

            if (!restarted && quote.Sequence > last.Sequence + 1)
            {
                Interlocked.Increment(ref _gaps);
                Interlocked.Add(ref _missed, quote.Sequence - last.Sequence - 1);
            }
        }

        _last[quote.Symbol] = quote;
        Interlocked.Increment(ref _quotes);
        deliver(quote);
        return true;
    }
}
