namespace SignalRTicker.Server.Keys;

internal static partial class KeysLog
{
    [LoggerMessage(1000, LogLevel.Information, "Key store ready at {DatabaseFile}")]
    public static partial void DatabaseReady(ILogger logger, string databaseFile);

    [LoggerMessage(1001, LogLevel.Information, "Created the key configured in {ConfigKey}")]
    public static partial void SeedKeyCreated(ILogger logger, string configKey);
}
