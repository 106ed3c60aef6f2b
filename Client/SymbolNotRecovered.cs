namespace SignalRTicker.Client;

/// <summary>
/// A symbol whose missed quotes could not be recovered after a reconnect: the server no longer held all of them, so it
/// sent its latest quote instead, and the quotes in between are lost to this client (they are counted as a gap).
/// </summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="LastSequence">The last sequence this client had before the connection dropped.</param>
/// <param name="ResumedAt">The sequence of the latest quote the server sent in place of the missed ones.</param>
public sealed record SymbolNotRecovered(string Symbol, long LastSequence, long ResumedAt)
{
    /// <summary>How many quotes were lost: those after <see cref="LastSequence"/> and before <see cref="ResumedAt"/>.</summary>
    public long Lost => Math.Max(0, ResumedAt - LastSequence - 1);
}
