namespace SignalRTicker.Server.Cluster;

internal static partial class ClusterLog
{
    [LoggerMessage(8000, LogLevel.Information, "Clustered as node {NodeId} through Redis at {Endpoint}", EventName = "ClusterJoined")]
    public static partial void Joined(ILogger logger, string nodeId, string endpoint);

    [LoggerMessage(8001, LogLevel.Warning, "Redis at {Endpoint} is unreachable at start; this node serves on its own and joins the cluster when Redis answers", EventName = "RedisUnreachableAtStart")]
    public static partial void RedisUnreachableAtStart(ILogger logger, string endpoint);

    [LoggerMessage(8002, LogLevel.Error, "Lost Redis at {Endpoint} ({FailureType}: {Reason}); this node keeps serving its connections, and work that needs Redis is refused until it returns", EventName = "RedisLost")]
    public static partial void RedisLost(ILogger logger, string endpoint, string failureType, string reason);

    [LoggerMessage(8003, LogLevel.Information, "Redis at {Endpoint} is back; the cluster carries on", EventName = "RedisRestored")]
    public static partial void RedisRestored(ILogger logger, string endpoint);

    [LoggerMessage(8010, LogLevel.Information, "This node leads the {Feed} feed now, under term {Term}", EventName = "LeadershipTaken")]
    public static partial void LeadershipTaken(ILogger logger, string feed, long term);

    [LoggerMessage(8011, LogLevel.Warning, "Another node leads the {Feed} feed now; term {Term} is over here", EventName = "LeadershipLost")]
    public static partial void LeadershipLost(ILogger logger, string feed, long term);

    [LoggerMessage(8012, LogLevel.Information, "Gave up the {Feed} feed (term {Term}) at stop; another node takes it at once", EventName = "LeadershipReleased")]
    public static partial void LeadershipReleased(ILogger logger, string feed, long term);

    [LoggerMessage(8013, LogLevel.Warning, "Cannot renew the {Feed} feed's lease (term {Term}): Redis is unreachable; this node keeps the feed for its own connections until Redis says otherwise", EventName = "LeaseRenewalFailed")]
    public static partial void LeaseRenewalFailed(ILogger logger, string feed, long term);

    [LoggerMessage(8020, LogLevel.Warning, "Redis is unreachable: the {Feed} feed's quotes are sequenced on this node and reach only its own connections until it returns", EventName = "QuotesLocalOnly")]
    public static partial void QuotesLocalOnly(ILogger logger, string feed);

    [LoggerMessage(8021, LogLevel.Debug, "Dropped a {Feed} batch of {Count} quotes stamped with term {Term}, which is no longer the feed's", EventName = "StaleTermDropped")]
    public static partial void StaleTermDropped(ILogger logger, string feed, int count, long term);

    [LoggerMessage(8022, LogLevel.Warning, "Could not read a batch of quotes from the cluster: {Reason}", EventName = "QuoteBatchUnreadable")]
    public static partial void QuoteBatchUnreadable(ILogger logger, string reason);

    [LoggerMessage(8030, LogLevel.Warning, "Control message {MessageKind} reached only this node: Redis is unreachable ({Reason}); the other nodes' database sweeps catch up", EventName = "ControlNotSent")]
    public static partial void ControlNotSent(ILogger logger, string messageKind, string reason);

    [LoggerMessage(8031, LogLevel.Warning, "Could not read control message: {Reason}", EventName = "ControlUnreadable")]
    public static partial void ControlUnreadable(ILogger logger, string reason);

    [LoggerMessage(8040, LogLevel.Information, "Instrument {Symbol} was {Change} on another node; this node follows", EventName = "InstrumentFollowed")]
    public static partial void InstrumentFollowed(ILogger logger, string symbol, string change);

    [LoggerMessage(8041, LogLevel.Warning, "Could not reload the instruments from the database; trying again later", EventName = "InstrumentReloadFailed")]
    public static partial void InstrumentReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(8050, LogLevel.Warning, "Could not count key {KeyId}'s connections on other nodes (Redis is unreachable); this node counts its own", EventName = "ClusterCountUnavailable")]
    public static partial void ClusterCountUnavailable(ILogger logger, Guid keyId);

    [LoggerMessage(8051, LogLevel.Debug, "Heartbeat failed: {Reason}", EventName = "HeartbeatFailed")]
    public static partial void HeartbeatFailed(ILogger logger, string reason);
}
