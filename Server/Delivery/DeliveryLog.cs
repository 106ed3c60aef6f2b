namespace SignalRTicker.Server.Delivery;

internal static partial class DeliveryLog
{
    [LoggerMessage(3100, LogLevel.Warning, "Connection {ConnectionId} disconnected as a slow consumer: a write has been pending for {StalledSeconds:F1} s, over the {TimeoutSeconds:F1} s allowed by Delivery:SlowConsumerTimeout", EventName = "SlowConsumerDisconnected")]
    public static partial void SlowConsumerDisconnected(ILogger logger, string connectionId, double stalledSeconds, double timeoutSeconds);

    [LoggerMessage(3101, LogLevel.Warning, "Writing to connection {ConnectionId} failed; it gets no more messages", EventName = "WriteFailed")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(3102, LogLevel.Warning, "Connection {ConnectionId} uses the {Protocol} protocol, which the delivery does not serialize for; it gets no quotes", EventName = "UnknownProtocol")]
    public static partial void UnknownProtocol(ILogger logger, string connectionId, string protocol);

    [LoggerMessage(3103, LogLevel.Debug, "Connection {ConnectionId} closed while messages were being written to it", EventName = "ClosedMidWrite")]
    public static partial void ClosedMidWrite(ILogger logger, string connectionId);

    [LoggerMessage(3104, LogLevel.Error, "Delivering a batch failed; the next batch goes on", EventName = "BatchFailed")]
    public static partial void BatchFailed(ILogger logger, Exception exception);
}
