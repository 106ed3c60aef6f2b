namespace SignalRTicker.Bench.Soak;

/// <summary>
/// One row of a soak's report: what the connections saw and what the server used during one interval (a minute by
/// default). RSS and heap are the means of the samples taken in the interval; CPU, collections and GC pause are what
/// the interval added. Server figures are null when the server could not be read.
/// </summary>
public sealed record SoakInterval(
    int Index,
    double EndMinute,
    int Connections,
    long Deliveries,
    double DeliveriesPerSecond,
    double NominalPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double? RssMiB,
    double? HeapMiB,
    long? Gen0,
    long? Gen1,
    long? Gen2,
    double? GcPauseMs,
    double? CpuPercent,
    long Refreshes,
    long Drops,
    long ResumesRecovered,
    long ResumesNotRecovered,
    long QuotesRecovered,
    long UnplannedDisconnects,
    long Gaps,
    long Errors,
    long Published)
{
    private const double MiB = 1024 * 1024;

    /// <summary>
    /// The row of interval <paramref name="index"/> (from 1), which ran from <paramref name="start"/> to
    /// <paramref name="end"/> (server readings at both edges) with <paramref name="samples"/> taken within it.
    /// </summary>
    public static SoakInterval From(
        int index,
        TimeSpan sinceSoakStart,
        ServerReading start,
        ServerReading end,
        IReadOnlyList<ServerReading> samples,
        IReadOnlyDictionary<SoakEvent, long> counts,
        LatencyHistogram latency,
        int connections,
        double nominalPerSecond)
    {
        var seconds = Math.Max(0.001, (end.At - start.At).TotalSeconds);
        var rss = samples.Where(s => s.RssBytes is not null).Select(s => (double)s.RssBytes!.Value).ToList();
        var heap = samples.Where(s => s.Runtime?.HeapBytes is not null).Select(s => s.Runtime!.HeapBytes!.Value).ToList();
        return new SoakInterval(
            index,
            Math.Round(sinceSoakStart.TotalMinutes, 2),
            connections,
            counts[SoakEvent.Deliveries],
            Math.Round(counts[SoakEvent.Deliveries] / seconds),
            Math.Round(nominalPerSecond),
            latency.PercentileMs(0.50),
            latency.PercentileMs(0.99),
            Math.Round(latency.MaxMs, 1),
            rss.Count > 0 ? Math.Round(rss.Average() / MiB, 1) : null,
            heap.Count > 0 ? Math.Round(heap.Average() / MiB, 1) : null,
            Delta(start.Runtime?.Gen0, end.Runtime?.Gen0),
            Delta(start.Runtime?.Gen1, end.Runtime?.Gen1),
            Delta(start.Runtime?.Gen2, end.Runtime?.Gen2),
            start.Runtime?.PauseSeconds is { } p0 && end.Runtime?.PauseSeconds is { } p1 ? Math.Round((p1 - p0) * 1000, 1) : null,
            start.CpuSeconds is { } c0 && end.CpuSeconds is { } c1 ? Math.Round((c1 - c0) / seconds * 100, 1) : null,
            counts[SoakEvent.Refreshes],
            counts[SoakEvent.Drops],
            counts[SoakEvent.ResumesRecovered],
            counts[SoakEvent.ResumesNotRecovered],
            counts[SoakEvent.QuotesRecovered],
            counts[SoakEvent.UnplannedDisconnects],
            counts[SoakEvent.Gaps],
            counts[SoakEvent.Errors],
            counts[SoakEvent.Published]);
    }

    private static long? Delta(double? start, double? end) => start is { } s && end is { } e ? (long)Math.Round(e - s) : null;
}
