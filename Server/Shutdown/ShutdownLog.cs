namespace SignalRTicker.Server.Shutdown;

internal static partial class ShutdownLog
{
    [LoggerMessage(3300, LogLevel.Information, "Draining: closing {ConnectionCount} hub connections over {DrainSeconds} s; new connections are refused", EventName = "DrainStarted")]
    public static partial void DrainStarted(ILogger logger, int connectionCount, int drainSeconds);

    [LoggerMessage(3301, LogLevel.Information, "Drained: closed {ConnectionCount} hub connections in {ElapsedMs} ms and refused {RefusedCount} new ones", EventName = "DrainFinished")]
    public static partial void DrainFinished(ILogger logger, int connectionCount, long elapsedMs, long refusedCount);

    [LoggerMessage(3302, LogLevel.Warning, "Cut {ConnectionCount} hub connections whose calls or queued messages were still unsent {DeadlineMs} ms into the drain", EventName = "DrainConnectionsCut")]
    public static partial void ConnectionsCut(ILogger logger, int connectionCount, long deadlineMs);
}
