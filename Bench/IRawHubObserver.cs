namespace SignalRTicker.Bench;

/// <summary>What a <see cref="RawHubConnection"/> reports to the run that owns it. Called from its receive loop.</summary>
internal interface IRawHubObserver
{
    /// <summary>The run's index of <paramref name="symbol"/>, passed back in <see cref="Observe"/>; -1 for one it does not count.</summary>
    int SymbolIndex(string symbol);

    /// <summary>A live quote, in order (duplicates of a Subscribe or Resume answer already dropped).</summary>
    /// <param name="gap">It is not the next sequence after the previous one this connection had of that symbol.</param>
    void Observe(int symbol, long sequence, bool gap, TimeSpan latency);

    /// <summary>The server closed the connection, or its socket failed, without this side asking.</summary>
    void Closed(RawHubConnection connection, string reason);

    /// <summary>A record this client did not expect: a quote of a symbol it does not hold, an <c>Unsubscribed</c>, one it cannot read.</summary>
    void Unexpected(RawHubConnection connection, string reason);
}
