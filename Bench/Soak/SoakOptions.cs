namespace SignalRTicker.Bench.Soak;

/// <summary>
/// A soak: <see cref="Connections"/> held for <see cref="Duration"/>, most of them dashboards on 1 to
/// <see cref="DashboardMaxSymbols"/> published instruments that change every <see cref="PublishEvery"/>, a share of
/// them (<see cref="TraderShare"/>) traders on <see cref="TraderSymbols"/> of the server's simulated instruments;
/// tokens renewed in band, and a share (<see cref="DropShare"/>) of the connections dropped and resumed every
/// <see cref="DropEvery"/>. Figures are reported every <see cref="ReportEvery"/>. Before the ramp the dashboards'
/// instruments get <see cref="Prefill"/> quotes each, stamped in the past, so their history is full from the start.
/// </summary>
public sealed record SoakOptions(
    Uri Url,
    string ApiKey,
    string AdminKey,
    int Connections,
    int Ramp,
    TimeSpan Warmup,
    TimeSpan Duration,
    TimeSpan ReportEvery,
    double TraderShare,
    int TraderSymbols,
    int DashboardInstruments,
    int DashboardMaxSymbols,
    TimeSpan PublishEvery,
    int TickIntervalMs,
    double ZipfExponent,
    double DropShare,
    TimeSpan DropEvery,
    TimeSpan TokenEvery,
    int Seed,
    int Prefill,
    int? ServerPid,
    string OutputDirectory,
    bool AllowRemote)
{
    /// <summary>The published instruments the dashboards watch are named DASH-0001, DASH-0002, …</summary>
    public const string DashboardPrefix = "DASH-";

    /// <summary>How often server memory is sampled within an interval (its row shows the mean).</summary>
    public static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    public string[] DashboardSymbols => [.. Enumerable.Range(1, DashboardInstruments).Select(i => $"{DashboardPrefix}{i:D4}")];

    /// <summary>Every Nth connection is a trader; 0 when there are none.</summary>
    public int TraderEvery => TraderShare > 0 ? (int)Math.Round(1 / TraderShare) : 0;

    /// <summary>The ramp, the warm-up, the soak, and time to set up and wind down: the run never lasts longer.</summary>
    public TimeSpan HardLimit => TimeSpan.FromSeconds(Connections / (double)Ramp) + Warmup + Duration + TimeSpan.FromMinutes(3);

    public IEnumerable<string> Validate()
    {
        foreach (var problem in LoadTarget.Problems(Url, AllowRemote, Connections, Ramp))
        {
            yield return problem;
        }

        if (Duration < TimeSpan.FromSeconds(10) || Duration > TimeSpan.FromHours(2) || ReportEvery < TimeSpan.FromSeconds(5) || ReportEvery > Duration)
        {
            yield return "--minutes must be from 10 s to 2 h, and --report-every from 5 s up to the duration.";
        }

        if (TraderShare is < 0 or > 1 || DropShare is < 0 or > 0.5)
        {
            yield return "--traders must be a fraction from 0 to 1, and --drop one from 0 to 0.5.";
        }

        if (TraderSymbols is < 1 or > 50 || DashboardMaxSymbols is < 1 or > 50 || DashboardInstruments is < 1 or > 9999)
        {
            yield return "--trader-symbols and --dashboard-symbols must be from 1 to 50 (the hub's cap), --dashboard-instruments from 1 to 9999.";
        }

        if (DashboardMaxSymbols > DashboardInstruments)
        {
            yield return "--dashboard-symbols cannot be more than --dashboard-instruments.";
        }

        if (PublishEvery < TimeSpan.FromMilliseconds(10) || TokenEvery < TimeSpan.FromSeconds(1) || DropEvery < TimeSpan.FromSeconds(5) || TickIntervalMs < 1 || Warmup < TimeSpan.Zero)
        {
            yield return "--publish-every must be at least 10 ms, --token-every 1 s, --drop-every 5 s, --interval-ms 1, and --warmup 0 or more.";
        }

        if (ZipfExponent < 0 || Prefill is < 0 or > 100_000)
        {
            yield return "--zipf-exponent must be 0 or more, and --prefill from 0 to 100000.";
        }
    }
}
