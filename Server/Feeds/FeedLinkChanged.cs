using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// The node that leads an upstream feed connected to its venue (<paramref name="Live"/>) or lost it: every node marks
/// the feed's instruments stale or not, so <c>GET /api/symbols</c> says the same on each.
/// </summary>
public sealed record FeedLinkChanged(string Feed, bool Live) : IControlMessage
{
    public static string Kind => "feed-link-changed";
}
