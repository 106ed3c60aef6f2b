namespace SignalRTicker.Bench;

/// <summary>
/// What a run measured; deliveries and latency are of the connections that kept reading. <see cref="ServerRssMiB"/> is
/// the server's mean RSS over the window (a sample a second), and <see cref="ServerKiBPerConnection"/> its growth from
/// the idle server's mean (three samples before the ramp) per connection.
/// </summary>
public sealed record BenchResult(
    int Connections,
    long ConnectionsOk,
    long ConnectionsFailed,
    int StalledConnections,
    long ClosedByServer,
    long StalledClosedByServer,
    string Client,
    string Protocol,
    double WindowSeconds,
    long Deliveries,
    double DeliveriesPerSecond,
    long SymbolTicks,
    long ExpectedDeliveries,
    double DeliveredPercent,
    double LatencyP50Ms,
    double LatencyP90Ms,
    double LatencyP99Ms,
    double LatencyMaxMs,
    long Gaps,
    double? ServerCpuPercent,
    double? ServerRssMiB,
    double? ServerKiBPerConnection,
    long UnexpectedRecords = 0,
    PublishLoadResult? Publish = null,
    IReadOnlyDictionary<string, double?>? WatchedCpuPercent = null);
