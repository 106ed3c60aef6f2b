namespace SignalRTicker.Server.Control;

internal static partial class ControlLog
{
    [LoggerMessage(1200, LogLevel.Error, "A handler of control message {MessageKind} failed; the other handlers ran", EventName = "ControlHandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string messageKind);
}
