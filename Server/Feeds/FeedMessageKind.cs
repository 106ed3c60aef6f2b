namespace SignalRTicker.Server.Feeds;

/// <summary>What an upstream message turned out to be, which decides what the feed does next.</summary>
public enum FeedMessageKind
{
    /// <summary>Prices to publish; the link is live.</summary>
    Prices,

    /// <summary>A keep-alive from the venue; the link is live.</summary>
    Heartbeat,

    /// <summary>The venue confirmed the subscription; the link is live.</summary>
    Subscribed,

    /// <summary>A message of a type the feed does not use; venues add types at any time, so it is skipped.</summary>
    Unknown,

    /// <summary>A message that could not be read; skipped and counted.</summary>
    Malformed,

    /// <summary>The venue reported an error; the connection is dropped and made again.</summary>
    Error,
}
