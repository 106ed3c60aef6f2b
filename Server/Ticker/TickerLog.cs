namespace SignalRTicker.Server.Ticker;

internal static partial class TickerLog
{
    [LoggerMessage(3200, LogLevel.Debug, "Connection {ConnectionId} of key {KeyId} subscribed to {Symbols}", EventName = "Subscribed")]
    public static partial void Subscribed(ILogger logger, string connectionId, Guid? keyId, string symbols);

    [LoggerMessage(3201, LogLevel.Debug, "Connection {ConnectionId} of key {KeyId} unsubscribed from {Symbols}", EventName = "Unsubscribed")]
    public static partial void Unsubscribed(ILogger logger, string connectionId, Guid? keyId, string symbols);

    [LoggerMessage(3202, LogLevel.Information, "Connection {ConnectionId} of key {KeyId}: {HubMethod} refused: {Reason}", EventName = "CallRefused")]
    public static partial void CallRefused(ILogger logger, string connectionId, string? keyId, string hubMethod, string reason);

    [LoggerMessage(3203, LogLevel.Error, "Connection {ConnectionId} of key {KeyId}: {HubMethod} failed", EventName = "CallFailed")]
    public static partial void CallFailed(ILogger logger, Exception exception, string connectionId, string? keyId, string hubMethod);

    [LoggerMessage(3204, LogLevel.Information, "Instrument {Symbol} was removed; ended its subscriptions on {ConnectionCount} connections", EventName = "InstrumentUnsubscribed")]
    public static partial void InstrumentUnsubscribed(ILogger logger, string symbol, int connectionCount);

    [LoggerMessage(3205, LogLevel.Information, "Closed connection {ConnectionId} of key {KeyId}: its token was revoked while it connected", EventName = "RevokedOnConnect")]
    public static partial void RevokedOnConnect(ILogger logger, string connectionId, Guid? keyId);

    [LoggerMessage(3206, LogLevel.Information, "Closed {ConnectionCount} hub connections of revoked token {TokenId}", EventName = "RevokedTokenConnectionsClosed")]
    public static partial void TokenConnectionsClosed(ILogger logger, string tokenId, int connectionCount);

    [LoggerMessage(3207, LogLevel.Information, "Closed {ConnectionCount} hub connections of revoked key {KeyId}", EventName = "RevokedKeyConnectionsClosed")]
    public static partial void KeyConnectionsClosed(ILogger logger, Guid keyId, int connectionCount);

    [LoggerMessage(3208, LogLevel.Warning, "Closed connection {ConnectionId}: key {KeyId} already holds its {MaxConnections} connections", EventName = "ConnectionCapReachedOnConnect")]
    public static partial void ConnectionCapReachedOnConnect(ILogger logger, string connectionId, Guid? keyId, int maxConnections);

    [LoggerMessage(3209, LogLevel.Information, "Connection {ConnectionId} of key {KeyId} refreshed its token in band; it now closes at {ExpiresAt}; {RemovedCount} subscriptions ended", EventName = "TokenRefreshed")]
    public static partial void TokenRefreshed(ILogger logger, string connectionId, Guid? keyId, DateTimeOffset expiresAt, int removedCount);

    [LoggerMessage(3210, LogLevel.Information, "Closed connection {ConnectionId} of key {KeyId}: its token expired at {ExpiresAt}", EventName = "ConnectionExpired")]
    public static partial void ConnectionExpired(ILogger logger, string connectionId, Guid? keyId, DateTimeOffset expiresAt);

    [LoggerMessage(3211, LogLevel.Information, "Key {KeyId} changed: {ConnectionCount} connections left {SymbolCount} symbols it may no longer see", EventName = "EntitlementsNarrowed")]
    public static partial void EntitlementsNarrowed(ILogger logger, Guid keyId, int connectionCount, int symbolCount);
}
