namespace SignalRTicker.Server.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(2000, LogLevel.Information, "Issued token {TokenId} for key {KeyId}, valid until {ExpiresAt}", EventName = "TokenIssued")]
    public static partial void TokenIssued(ILogger logger, Guid keyId, string tokenId, DateTimeOffset expiresAt);

    [LoggerMessage(2002, LogLevel.Information, "Signing with key {SigningKeyId}; {PreviousCount} previous keys still accepted", EventName = "SigningKeysLoaded")]
    public static partial void SigningKeysLoaded(ILogger logger, string signingKeyId, int previousCount);

    [LoggerMessage(2003, LogLevel.Error, "The reloaded Auth settings are not valid; keeping the previous signing keys: {Problem}", EventName = "SigningKeysNotReloaded")]
    public static partial void SigningKeysNotReloaded(ILogger logger, string problem);
}
