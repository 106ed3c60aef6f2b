namespace SignalRTicker.Server.Metrics;

/// <summary>
/// This process: an id of its own, new at every start, that names it in its metrics (<c>service.instance.id</c>) and,
/// in a cluster, as a node, so a restarted process is a new instance and a new member.
/// </summary>
public sealed class ServiceInstance
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
}
