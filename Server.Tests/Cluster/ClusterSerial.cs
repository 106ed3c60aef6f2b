namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>
/// The cluster tests run several real-time nodes each; they run on their own, not beside other tests, so neither
/// side's timing (a revocation within 1 s, a takeover within 5 s, another test's throughput) suffers on two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterSerial
{
    public const string Name = "Cluster";
}
