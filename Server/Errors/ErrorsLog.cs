namespace SignalRTicker.Server.Errors;

internal static partial class ErrorsLog
{
    [LoggerMessage(1300, LogLevel.Warning, "{Count} more {Kind} from {Source} in the last {Seconds} s were not logged", EventName = "RefusalsNotLogged")]
    public static partial void NotLogged(ILogger logger, int count, string kind, string source, int seconds);

    [LoggerMessage(1301, LogLevel.Error, "The database failed during {Method} {Path}; answered 503: {Reason}", EventName = "DatabaseUnavailable")]
    public static partial void DatabaseUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(1302, LogLevel.Error, "The cluster store was unreachable during {Method} {Path}; answered 503: {Reason}", EventName = "ClusterUnavailable")]
    public static partial void ClusterUnavailable(ILogger logger, string method, string path, string reason);
}
