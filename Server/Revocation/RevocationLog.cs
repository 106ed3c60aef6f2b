namespace SignalRTicker.Server.Revocation;

internal static partial class RevocationLog
{
    [LoggerMessage(4000, LogLevel.Information, "Revoked token {TokenId} of key {KeyId}", EventName = "TokenRevoked")]
    public static partial void TokenRevoked(ILogger logger, string tokenId, Guid keyId);

    [LoggerMessage(4001, LogLevel.Information, "Revoked key {KeyId} and its tokens", EventName = "KeyRevoked")]
    public static partial void KeyRevoked(ILogger logger, Guid keyId);

    [LoggerMessage(4002, LogLevel.Information, "Picked up {Count} revocations made elsewhere", EventName = "RevocationsSynced")]
    public static partial void Synced(ILogger logger, int count);

    [LoggerMessage(4003, LogLevel.Debug, "Purged {Entries} expired revocation entries and {Records} expired token records", EventName = "RevocationsPurged")]
    public static partial void Purged(ILogger logger, int entries, int records);

    [LoggerMessage(4004, LogLevel.Error, "Revocation sweep failed; it runs again at the next interval: {Reason}", EventName = "RevocationSweepFailed")]
    public static partial void SweepFailed(ILogger logger, string reason);

    [LoggerMessage(4005, LogLevel.Warning, "The revocation of {Revoked} is in effect but the database could not record it; the sweep retries: {Reason}", EventName = "RevocationNotRecorded")]
    public static partial void NotRecorded(ILogger logger, string revoked, string reason);

    [LoggerMessage(4006, LogLevel.Information, "Recorded the revocation of {Revoked} now that the database takes writes", EventName = "RevocationRecorded")]
    public static partial void Recorded(ILogger logger, string revoked);
}
