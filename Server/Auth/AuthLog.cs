namespace SignalRTicker.Server.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(2000, LogLevel.Information, "Issued a token for key {KeyId}, valid until {ExpiresAt}")]
    public static partial void TokenIssued(ILogger logger, Guid keyId, DateTimeOffset expiresAt);

    // 2001 was "Refused a token request"; refusals are now logged by RateLimits.AuthRefusals (5000).

    [LoggerMessage(2002, LogLevel.Information, "Signing with key {KeyId}; {PreviousCount} previous keys still accepted")]
    public static partial void SigningKeysLoaded(ILogger logger, string keyId, int previousCount);

    [LoggerMessage(2003, LogLevel.Error, "The reloaded Auth settings are not valid; keeping the previous signing keys: {Problem}")]
    public static partial void SigningKeysNotReloaded(ILogger logger, string problem);
}
