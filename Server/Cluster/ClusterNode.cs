namespace SignalRTicker.Server.Cluster;

/// <summary>This process in the cluster: an id of its own, new at every start, so a restarted node is a new member.</summary>
public sealed class ClusterNode
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}
