namespace SignalRTicker.Server.Keys;

internal static partial class KeysLog
{
    [LoggerMessage(2100, LogLevel.Information, "Created the key configured in {SettingKey}", EventName = "SeedKeyCreated")]
    public static partial void SeedKeyCreated(ILogger logger, string settingKey);

    [LoggerMessage(2101, LogLevel.Information, "Development: the page's demo API key (Auth:DemoApiKey) is {DemoApiKey}", EventName = "DemoKeyForDevelopment")]
    public static partial void DemoKeyForDevelopment(ILogger logger, string demoApiKey);

    [LoggerMessage(2102, LogLevel.Information, "Key {KeyId} was changed by another process; applying it", EventName = "KeyChangeFound")]
    public static partial void ChangeFound(ILogger logger, Guid keyId);

    [LoggerMessage(2103, LogLevel.Error, "Reading key changes failed; the next sweep tries again", EventName = "KeySweepFailed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
