namespace SignalRTicker.Server.RequestLogging;

internal static partial class RequestLog
{
    [LoggerMessage(6000, LogLevel.Debug, "{Method} {Path}{Query} from {ClientIp} answered {StatusCode} in {ElapsedMs:0.0} ms")]
    public static partial void Finished(ILogger logger, string method, string path, string query, string? clientIp, int statusCode, double elapsedMs);
}
