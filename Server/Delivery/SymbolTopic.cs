namespace SignalRTicker.Server.Delivery;

/// <summary>
/// The connections holding one topic (a symbol, or any group name sent to through <c>IHubContext</c>). The delivery
/// reads a snapshot of the members once per batch; joining and leaving rebuild it lazily, at most once per batch.
/// </summary>
internal sealed class SymbolTopic(string name)
{
    private readonly Lock _gate = new();
    private readonly List<QuoteWriter> _members = [];
    private QuoteWriter[] _snapshot = [];
    private bool _changed;

    /// <summary>Set when the topic emptied and left the delivery's table; a writer must then join a fresh one.</summary>
    private bool _retired;

    public string Name { get; } = name;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _members.Count;
            }
        }
    }

    /// <summary>The members now. Read under the lock, so a join that returned before this call is always seen.</summary>
    public QuoteWriter[] Members
    {
        get
        {
            lock (_gate)
            {
                if (_changed)
                {
                    _snapshot = [.. _members];
                    _changed = false;
                }

                return _snapshot;
            }
        }
    }

    /// <summary>False when the topic has been retired; the caller looks it up again.</summary>
    public bool TryAdd(QuoteWriter writer)
    {
        lock (_gate)
        {
            if (_retired)
            {
                return false;
            }

            _members.Add(writer);
            _changed = true;
            return true;
        }
    }

    /// <summary>Removes the writer; true when that left the topic empty, which retires it.</summary>
    public bool Remove(QuoteWriter writer)
    {
        lock (_gate)
        {
            if (_members.Remove(writer))
            {
                _changed = true;
            }

            _retired = _members.Count == 0;
            return _retired;
        }
    }

    /// <summary>Retires the topic and hands back every member it had.</summary>
    public QuoteWriter[] RemoveAll()
    {
        lock (_gate)
        {
            QuoteWriter[] members = [.. _members];
            _members.Clear();
            _snapshot = [];
            _changed = false;
            _retired = true;
            return members;
        }
    }
}
