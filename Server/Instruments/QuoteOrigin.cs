namespace SignalRTicker.Server.Instruments;

/// <summary>
/// Who made a batch of prices: a publisher (no feed), or a feed that leads under a leadership term. A single node has
/// one term for ever; a cluster gives each leadership a new one and drops a batch stamped with a term that is no
/// longer current, so two nodes that both believe they lead a feed never both publish.
/// </summary>
public readonly record struct QuoteOrigin(string? Feed, long Term)
{
    /// <summary>A publisher's batch (the API, the hub): no leadership is needed to publish it.</summary>
    public static QuoteOrigin Publisher => default;

    public static QuoteOrigin Leader(string feed, long term) => new(feed, term);
}
