namespace SignalRTicker.Server.RateLimits;

internal static partial class RateLimitLog
{
    [LoggerMessage(5000, LogLevel.Warning, "Refused authentication from {ClientIp} on {Path}: {Reason}", EventName = "AuthRefused")]
    public static partial void AuthRefused(ILogger logger, string clientIp, string path, string reason);

    // Debug: a flood must not become a log flood. ASP.NET Core counts rejections in its aspnetcore.rate_limiting.requests metric.
    [LoggerMessage(5001, LogLevel.Debug, "Rate limited {ClientIp} on {Path}: {Limit}", EventName = "RateLimited")]
    public static partial void RateLimited(ILogger logger, string clientIp, string path, string limit);

    [LoggerMessage(5002, LogLevel.Warning, "Refused a hub connection of key {KeyId} from {ClientIp}: it already has {Count} connections", EventName = "ConnectionCapReached")]
    public static partial void ConnectionCapReached(ILogger logger, Guid keyId, string? clientIp, int count);

    [LoggerMessage(5003, LogLevel.Information, "Connection {ConnectionId} of key {KeyId} called {Method} too often", EventName = "HubCallLimited")]
    public static partial void HubCallLimited(ILogger logger, string connectionId, string? keyId, string method);
}
