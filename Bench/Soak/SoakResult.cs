namespace SignalRTicker.Bench.Soak;

/// <summary>A soak's workload as it ran, its intervals, and its verdict.</summary>
public sealed record SoakResult(
    DateTimeOffset StartedAt,
    int Connections,
    int Traders,
    int Dashboards,
    int UniverseSize,
    int DashboardInstruments,
    int TraderSymbols,
    long TraderSubscriptions,
    long DashboardSubscriptions,
    int TickIntervalMs,
    double PublishEverySeconds,
    double DropShare,
    double TokenLifetimeSeconds,
    double NominalPerSecond,
    IReadOnlyDictionary<SoakEvent, long> Setup,
    IReadOnlyList<SoakInterval> Intervals,
    IReadOnlyList<SoakCriterion> Criteria)
{
    public bool Passed => Criteria.All(c => c.Passed);
}
