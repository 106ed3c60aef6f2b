namespace SignalRTicker.Server.Ticker;

internal static partial class TickerLog
{
    [LoggerMessage(3000, LogLevel.Information, "Quote feed started: {SymbolCount} symbols every {IntervalMs} ms")]
    public static partial void FeedStarted(ILogger logger, int symbolCount, int intervalMs);

    [LoggerMessage(3001, LogLevel.Information, "Quote feed stopped")]
    public static partial void FeedStopped(ILogger logger);

    [LoggerMessage(3002, LogLevel.Error, "Could not move {Symbol} this tick; it will move on the next")]
    public static partial void TickFailed(ILogger logger, Exception exception, string symbol);

    [LoggerMessage(3003, LogLevel.Warning, "Publishing a tick failed; the next tick goes on")]
    public static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(3010, LogLevel.Debug, "Connection {ConnectionId} of key {KeyId} subscribed to {Symbols}")]
    public static partial void Subscribed(ILogger logger, string connectionId, string? keyId, string symbols);

    [LoggerMessage(3011, LogLevel.Debug, "Connection {ConnectionId} of key {KeyId} unsubscribed from {Symbols}")]
    public static partial void Unsubscribed(ILogger logger, string connectionId, string? keyId, string symbols);

    [LoggerMessage(3012, LogLevel.Information, "Connection {ConnectionId} of key {KeyId} refused a subscription: {Reason}")]
    public static partial void SubscribeRefused(ILogger logger, string connectionId, string? keyId, string reason);
}
