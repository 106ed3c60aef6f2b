namespace SignalRTicker.Server.Instruments;

/// <summary>
/// The last quotes of one instrument, in sequence order, at most <c>capacity</c> of them: a ring that grows on use,
/// so an instrument that rarely ticks holds little. Not thread-safe; its <see cref="Instrument"/> locks around it.
/// </summary>
internal sealed class QuoteHistory(int capacity)
{
    private HistoryEntry[] _entries = [];
    private int _start;
    private int _count;

    /// <summary>Sequence of the oldest entry held; meaningless while empty.</summary>
    private long _first;

    public int Count => _count;

    /// <summary>The oldest sequence held, or 0 when empty.</summary>
    public long FirstSequence => _count == 0 ? 0 : _first;

    public long LastSequence => _count == 0 ? 0 : _first + _count - 1;

    /// <summary>Appends the quote of <paramref name="sequence"/>; a break in the sequence starts the history again.</summary>
    public void Add(long sequence, HistoryEntry entry)
    {
        if (_count > 0 && sequence != LastSequence + 1)
        {
            _count = 0;
            _start = 0;
        }

        if (_count == 0)
        {
            _first = sequence;
        }

        if (_count < _entries.Length)
        {
            _entries[(_start + _count) % _entries.Length] = entry;
            _count++;
            return;
        }

        if (_entries.Length < capacity)
        {
            var grown = new HistoryEntry[Math.Min(capacity, Math.Max(16, _entries.Length * 2))];
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _entries[(_start + i) % _entries.Length];
            }

            _entries = grown;
            _start = 0;
            _entries[_count++] = entry;
            return;
        }

        // Full: the newest overwrites the oldest.
        _entries[_start] = entry;
        _start = (_start + 1) % _entries.Length;
        _first++;
    }

    /// <summary>The entry holding <paramref name="sequence"/>, which must be between the first and the last.</summary>
    public HistoryEntry this[long sequence] => _entries[(_start + (int)(sequence - _first)) % _entries.Length];
}
