using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Cluster;

/// <summary>This process in the cluster: the process's own id (also its metrics' <c>service.instance.id</c>), new at every start, so a restarted node is a new member.</summary>
public sealed class ClusterNode(ServiceInstance instance)
{
    public string Id { get; } = instance.Id;
}
