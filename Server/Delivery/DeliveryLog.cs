namespace SignalRTicker.Server.Delivery;

internal static partial class DeliveryLog
{
    [LoggerMessage(3100, LogLevel.Warning, "Connection {ConnectionId} disconnected as a slow consumer: a write has been pending for {StalledSeconds:F1} s, over the {TimeoutSeconds:F1} s allowed by Ticker:SlowConsumerTimeout")]
    public static partial void SlowConsumerDisconnected(ILogger logger, string connectionId, double stalledSeconds, double timeoutSeconds);

    [LoggerMessage(3101, LogLevel.Warning, "Writing quotes to connection {ConnectionId} failed; it gets no more quotes")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(3103, LogLevel.Debug, "Connection {ConnectionId} closed while quotes were being written to it")]
    public static partial void ClosedMidWrite(ILogger logger, string connectionId);

    [LoggerMessage(3102, LogLevel.Debug, "Connection {ConnectionId} uses the {Protocol} protocol, which the delivery does not serialize for; it gets no quotes")]
    public static partial void UnknownProtocol(ILogger logger, string connectionId, string protocol);
}
