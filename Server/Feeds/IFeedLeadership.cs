namespace SignalRTicker.Server.Feeds;

/// <summary>
/// Which node runs a feed (the simulator, each upstream venue). A single node always does
/// (<see cref="SingleNodeLeadership"/>); in a cluster one node at a time holds each feed's lease, and the others wait
/// to take over.
/// </summary>
public interface IFeedLeadership
{
    /// <summary>
    /// Returns once this node leads <paramref name="feed"/>. The lease's term stamps the feed's quotes; its
    /// <see cref="FeedLease.Lost"/> token is cancelled when another node has taken the feed over.
    /// </summary>
    Task<FeedLease> AcquireAsync(string feed, CancellationToken cancellationToken);
}
