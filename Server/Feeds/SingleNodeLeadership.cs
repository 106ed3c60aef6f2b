namespace SignalRTicker.Server.Feeds;

/// <summary>A single node leads every feed, under one term, until it stops.</summary>
internal sealed class SingleNodeLeadership : IFeedLeadership
{
    public Task<FeedLease> AcquireAsync(string feed, CancellationToken cancellationToken) =>
        Task.FromResult(new FeedLease(feed, 0, CancellationToken.None));
}
