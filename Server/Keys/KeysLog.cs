namespace SignalRTicker.Server.Keys;

internal static partial class KeysLog
{
    [LoggerMessage(2100, LogLevel.Information, "Created the key configured in {SettingKey}", EventName = "SeedKeyCreated")]
    public static partial void SeedKeyCreated(ILogger logger, string settingKey);
}
