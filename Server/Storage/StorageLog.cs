namespace SignalRTicker.Server.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(1100, LogLevel.Information, "Database ready at {DatabaseFile}", EventName = "DatabaseReady")]
    public static partial void DatabaseReady(ILogger logger, string databaseFile);
}
