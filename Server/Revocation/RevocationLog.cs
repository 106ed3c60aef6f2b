namespace SignalRTicker.Server.Revocation;

internal static partial class RevocationLog
{
    [LoggerMessage(4000, LogLevel.Information, "Revoked token {TokenId} of key {KeyId}; closed {ConnectionCount} hub connections")]
    public static partial void TokenRevoked(ILogger logger, string tokenId, Guid keyId, int connectionCount);

    [LoggerMessage(4001, LogLevel.Information, "Revoked key {KeyId} and its tokens; closed {ConnectionCount} hub connections")]
    public static partial void KeyRevoked(ILogger logger, Guid keyId, int connectionCount);

    [LoggerMessage(4002, LogLevel.Information, "Picked up {Count} revocations made elsewhere; closed {ConnectionCount} hub connections")]
    public static partial void Synced(ILogger logger, int count, int connectionCount);

    [LoggerMessage(4003, LogLevel.Debug, "Purged {Entries} expired revocation entries and {Records} expired token records")]
    public static partial void Purged(ILogger logger, int entries, int records);

    [LoggerMessage(4004, LogLevel.Error, "Revocation sweep failed; it runs again at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(4005, LogLevel.Information, "Closed connection {ConnectionId} of key {KeyId}: its token was revoked while it connected")]
    public static partial void RevokedOnConnect(ILogger logger, string connectionId, Guid? keyId);
}
