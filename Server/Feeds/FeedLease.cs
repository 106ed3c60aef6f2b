using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// This node's leadership of one feed, under one term. Disposing it gives the feed up (at a graceful stop, so another
/// node takes over at once rather than when the lease runs out).
/// </summary>
public sealed class FeedLease(string feed, long term, CancellationToken lost, Func<ValueTask>? release = null) : IAsyncDisposable
{
    public string Feed { get; } = feed;

    public long Term { get; } = term;

    /// <summary>Cancelled when another node leads the feed now; the feed stops publishing.</summary>
    public CancellationToken Lost { get; } = lost;

    /// <summary>What this lease's quotes are stamped with.</summary>
    public QuoteOrigin Origin => QuoteOrigin.Leader(Feed, Term);

    public ValueTask DisposeAsync() => release?.Invoke() ?? ValueTask.CompletedTask;
}
