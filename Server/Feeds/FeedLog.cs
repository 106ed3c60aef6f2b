namespace SignalRTicker.Server.Feeds;

internal static partial class FeedLog
{
    [LoggerMessage(3000, LogLevel.Information, "Simulated feed started: {InstrumentCount} instruments every {IntervalMs} ms", EventName = "SimulatorStarted")]
    public static partial void SimulatorStarted(ILogger logger, int instrumentCount, int intervalMs);

    [LoggerMessage(3001, LogLevel.Information, "Simulated feed stopped", EventName = "SimulatorStopped")]
    public static partial void SimulatorStopped(ILogger logger);

    [LoggerMessage(3002, LogLevel.Error, "Could not move {Symbol} this tick; it will move on the next", EventName = "MoveFailed")]
    public static partial void MoveFailed(ILogger logger, Exception exception, string symbol);

    [LoggerMessage(3003, LogLevel.Warning, "Publishing a tick failed; the next tick goes on", EventName = "PublishFailed")]
    public static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(3004, LogLevel.Information, "Added {Added} simulated instruments from Ticker:Symbols; {Count} instruments in all", EventName = "InstrumentsSeeded")]
    public static partial void InstrumentsSeeded(ILogger logger, int added, int count);

    [LoggerMessage(3010, LogLevel.Information, "{Feed} feed starting for {InstrumentCount} instruments from {Address}", EventName = "FeedStarting")]
    public static partial void FeedStarting(ILogger logger, string feed, int instrumentCount, string address);

    [LoggerMessage(3011, LogLevel.Information, "{Feed} feed connected to {Address}", EventName = "FeedConnected")]
    public static partial void FeedConnected(ILogger logger, string feed, string address);

    [LoggerMessage(3012, LogLevel.Information, "{Feed} feed is live: its instruments are no longer stale", EventName = "FeedLive")]
    public static partial void FeedLive(ILogger logger, string feed);

    [LoggerMessage(3013, LogLevel.Warning, "{Feed} feed dropped: {Reason}. Its instruments are stale; reconnecting in {DelayMs} ms", EventName = "FeedDisconnected")]
    public static partial void FeedDisconnected(ILogger logger, string feed, string reason, long delayMs);

    [LoggerMessage(3014, LogLevel.Error, "{Feed} feed failed: {Reason}. Its instruments are stale; reconnecting in {DelayMs} ms", EventName = "FeedFailed")]
    public static partial void FeedFailed(ILogger logger, Exception exception, string feed, string reason, long delayMs);

    [LoggerMessage(3015, LogLevel.Information, "{Feed} feed stopped", EventName = "FeedStopped")]
    public static partial void FeedStopped(ILogger logger, string feed);

    [LoggerMessage(3016, LogLevel.Warning, "Skipped {Count} malformed {Feed} messages (at most one line every {WindowSeconds} s); the latest: {Reason}", EventName = "FeedMessageMalformed")]
    public static partial void FeedMessageMalformed(ILogger logger, int count, string feed, double windowSeconds, string reason);

    [LoggerMessage(3017, LogLevel.Debug, "Ignored {Count} {Feed} messages of types the feed does not use (at most one line every {WindowSeconds} s); the latest: {Type}", EventName = "FeedMessageUnknown")]
    public static partial void FeedMessageUnknown(ILogger logger, int count, string feed, double windowSeconds, string type);

    [LoggerMessage(3018, LogLevel.Debug, "{Feed} confirmed the subscription: {Subscription}", EventName = "FeedSubscribed")]
    public static partial void FeedSubscribed(ILogger logger, string feed, string subscription);

    [LoggerMessage(3019, LogLevel.Warning, "Publishing {Feed} prices failed {Count} times (at most one line every {WindowSeconds} s); the feed goes on", EventName = "FeedPublishFailed")]
    public static partial void FeedPublishFailed(ILogger logger, Exception exception, string feed, int count, double windowSeconds);

    [LoggerMessage(3020, LogLevel.Information, "Added {Added} {Feed} instruments from {Key}", EventName = "FeedInstrumentsSeeded")]
    public static partial void FeedInstrumentsSeeded(ILogger logger, int added, string feed, string key);

    [LoggerMessage(3021, LogLevel.Information, "{Symbol} is configured for the {Feed} feed but was stored with the {Source} source; the feed takes it over, carrying on its sequence", EventName = "FeedSymbolTaken")]
    public static partial void FeedSymbolTaken(ILogger logger, string symbol, string feed, string source);
}
