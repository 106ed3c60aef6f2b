using Microsoft.Extensions.Logging;

namespace SignalRTicker.Client;

/// <summary>What a <see cref="TickerConnection"/> logs. Event ids 9000–9099 are the client library's.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(9000, LogLevel.Information, "Connected to {ServerUrl} and subscribed to {SymbolCount} symbols", EventName = "Connected")]
    public static partial void Connected(ILogger logger, Uri serverUrl, int symbolCount);

    [LoggerMessage(9001, LogLevel.Warning, "Retry {Retry} in {RetryInMs} ms: {Reason}", EventName = "Retrying")]
    public static partial void Retrying(ILogger logger, int retry, long retryInMs, string reason);

    [LoggerMessage(9002, LogLevel.Warning, "Rate-limited by the server; retrying in {RetryInMs} ms as it asked: {Reason}", EventName = "RateLimited")]
    public static partial void RateLimited(ILogger logger, long retryInMs, string reason);

    [LoggerMessage(9003, LogLevel.Error, "Gave up ({Failure}): {Reason}", EventName = "GaveUp")]
    public static partial void GaveUp(ILogger logger, TickerFailure failure, string reason);

    [LoggerMessage(9004, LogLevel.Warning, "Token refresh failed; trying again in {RetryInMs} ms", EventName = "TokenRefreshFailed")]
    public static partial void TokenRefreshFailed(ILogger logger, long retryInMs, Exception exception);

    [LoggerMessage(9005, LogLevel.Warning, "The connection did not stop within {TimeoutMs} ms", EventName = "StopTimedOut")]
    public static partial void StopTimedOut(ILogger logger, long timeoutMs);

    [LoggerMessage(9006, LogLevel.Information, "Resumed {SymbolCount} symbols after reconnecting; {RecoveredCount} missed quotes recovered", EventName = "Resumed")]
    public static partial void Resumed(ILogger logger, int symbolCount, int recoveredCount);

    [LoggerMessage(9007, LogLevel.Warning, "{Symbol} could not be recovered: the server no longer holds the quotes after {LastSequence}; resumed at {ResumedAt}", EventName = "NotRecovered")]
    public static partial void NotRecovered(ILogger logger, string symbol, long lastSequence, long resumedAt);

    [LoggerMessage(9008, LogLevel.Warning, "The subscriptions to {Symbols} ended: {Reason}", EventName = "Unsubscribed")]
    public static partial void Unsubscribed(ILogger logger, string symbols, string reason);

    [LoggerMessage(9009, LogLevel.Warning, "The connection went away with a batch of {QuoteCount} quotes in flight ({Reason}); it is sent again after reconnecting", EventName = "PublishInterrupted")]
    public static partial void PublishInterrupted(ILogger logger, int quoteCount, string reason);

    [LoggerMessage(9010, LogLevel.Information, "Token refreshed in band; the server now keeps the connection until {ExpiresAt}", EventName = "TokenRefreshed")]
    public static partial void TokenRefreshed(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(9011, LogLevel.Warning, "The server refused the token refresh: {Reason}", EventName = "TokenRefreshRefused")]
    public static partial void TokenRefreshRefused(ILogger logger, string reason);

    [LoggerMessage(9012, LogLevel.Warning, "The token refresh did not complete ({Reason}); reconnecting", EventName = "TokenRefreshLost")]
    public static partial void TokenRefreshLost(ILogger logger, string reason);
}
