namespace SignalRTicker.Server.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(1100, LogLevel.Information, "{Provider} database ready at {Database}", EventName = "DatabaseReady")]
    public static partial void DatabaseReady(ILogger logger, DatabaseProvider provider, string database);
}
