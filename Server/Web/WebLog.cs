namespace SignalRTicker.Server.Web;

internal static partial class WebLog
{
    [LoggerMessage(1000, LogLevel.Information, "Development: the page is at {Url}", EventName = "PageAddress")]
    public static partial void PageAddress(ILogger logger, string url);
}
