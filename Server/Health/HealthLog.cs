namespace SignalRTicker.Server.Health;

internal static partial class HealthLog
{
    [LoggerMessage(1400, LogLevel.Error, "Unhealthy: {Reason}", EventName = "DatabaseUnwritable")]
    public static partial void DatabaseUnwritable(ILogger logger, string reason);

    [LoggerMessage(1401, LogLevel.Information, "Healthy again: the database takes writes", EventName = "DatabaseWritable")]
    public static partial void DatabaseWritable(ILogger logger);
}
