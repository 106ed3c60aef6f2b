using SignalRTicker.Bench;
using SignalRTicker.Bench.Soak;

namespace SignalRTicker.Server.Tests.Bench;

/// <summary>A soak's per-interval figures and its pass criteria.</summary>
public sealed class SoakVerdictTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Interval_AddsUpWhatTheIntervalSaw_AndAveragesServerMemoryOverItsSamples()
    {
        var start = new ServerReading(Start, CpuSeconds: 100, RssBytes: 100 << 20, new RuntimeReading(50 << 20, Gen0: 10, Gen1: 4, Gen2: 1, PauseSeconds: 2.0));
        var end = new ServerReading(Start.AddSeconds(60), CpuSeconds: 130, RssBytes: 120 << 20, new RuntimeReading(70 << 20, Gen0: 25, Gen1: 6, Gen2: 2, PauseSeconds: 2.25));
        var middle = new ServerReading(Start.AddSeconds(30), 115, 110 << 20, new RuntimeReading(60 << 20, 20, 5, 1, 2.1));
        var counts = Enum.GetValues<SoakEvent>().ToDictionary(e => e, e => 0L);
        counts[SoakEvent.Deliveries] = 600_000;
        counts[SoakEvent.Refreshes] = 5_000;
        counts[SoakEvent.ResumesRecovered] = 99;
        counts[SoakEvent.ResumesNotRecovered] = 1;
        var latency = new LatencyHistogram();
        for (var ms = 1; ms <= 100; ms++)
        {
            latency.Record(TimeSpan.FromMilliseconds(ms));
        }

        var row = SoakInterval.From(2, TimeSpan.FromMinutes(2), start, end, [middle, end], counts, latency, connections: 10_000, nominalPerSecond: 10_050);

        Assert.Equal((2, 2.0, 10_000), (row.Index, row.EndMinute, row.Connections));
        Assert.Equal((600_000L, 10_000.0, 10_050.0), (row.Deliveries, row.DeliveriesPerSecond, row.NominalPerSecond));
        Assert.InRange(row.P50Ms, 49.9, 50.2); // 0.1 ms buckets
        Assert.InRange(row.P99Ms, 98.9, 99.2);
        Assert.Equal(100.0, row.MaxMs);
        Assert.Equal(50.0, row.CpuPercent); // 30 s of CPU in 60 s
        Assert.Equal((115.0, 65.0), (row.RssMiB!.Value, row.HeapMiB!.Value)); // the samples' means, not the end alone
        Assert.Equal((15L, 2L, 1L), (row.Gen0!.Value, row.Gen1!.Value, row.Gen2!.Value));
        Assert.Equal(250.0, row.GcPauseMs);
        Assert.Equal((5_000L, 99L, 1L), (row.Refreshes, row.ResumesRecovered, row.ResumesNotRecovered));
    }

    [Fact]
    public void Interval_WithoutServerFigures_LeavesThemEmpty()
    {
        var start = new ServerReading(Start, null, null, null);
        var end = new ServerReading(Start.AddSeconds(60), null, null, null);
        var counts = Enum.GetValues<SoakEvent>().ToDictionary(e => e, e => 0L);

        var row = SoakInterval.From(1, TimeSpan.FromMinutes(1), start, end, [end], counts, new LatencyHistogram(), 10, 10);

        Assert.Null(row.RssMiB);
        Assert.Null(row.HeapMiB);
        Assert.Null(row.CpuPercent);
        Assert.Null(row.Gen0);
        Assert.Null(row.GcPauseMs);
        Assert.Contains(SoakVerdict.Judge([row, row, row], 0), c => c.Name == "heap steady" && !c.Passed && c.Detail.Contains("no figures", StringComparison.Ordinal));
    }

    [Fact]
    public void Judge_ASteadyRun_Passes()
    {
        var rows = Run(rss: [400, 520, 522, 519, 525], heap: [200, 300, 305, 298, 310], p99: [40, 30, 31, 29, 30]);

        var criteria = SoakVerdict.Judge(rows, setupErrors: 0);

        Assert.All(criteria, c => Assert.True(c.Passed, $"{c.Name}: {c.Detail}"));
    }

    [Fact]
    public void Judge_MemoryGrowingPastFivePercentFromTheSecondInterval_Fails()
    {
        // The first interval is left out: the ramp's after-effects settle there.
        var rows = Run(rss: [300, 500, 510, 520, 530], heap: [100, 300, 300, 301, 300], p99: [30, 30, 30, 30, 30]);

        var criteria = SoakVerdict.Judge(rows, 0).ToDictionary(c => c.Name);

        Assert.False(criteria["RSS steady"].Passed);
        Assert.Contains("+6.0%", criteria["RSS steady"].Detail, StringComparison.Ordinal);
        Assert.True(criteria["heap steady"].Passed);
    }

    [Fact]
    public void Judge_P99ClimbingSteadily_Fails_ButOneSlowIntervalDoesNot()
    {
        var climbing = SoakVerdict.Judge(Run(p99: [30, 30, 34, 38, 42, 46, 50]), 0).Single(c => c.Name == "p99 not drifting up");
        var spike = SoakVerdict.Judge(Run(p99: [30, 30, 31, 250, 30, 29, 31]), 0).Single(c => c.Name == "p99 not drifting up");

        Assert.False(climbing.Passed, climbing.Detail);
        Assert.True(spike.Passed, spike.Detail);
    }

    [Fact]
    public void Judge_AnyErrorDisconnectGapOrLostResume_Fails()
    {
        var steady = Run();
        var last = steady[^1];

        Assert.False(Criterion(SoakVerdict.Judge(steady, setupErrors: 1), "no error").Passed);
        Assert.False(Criterion(SoakVerdict.Judge([.. steady[..^1], last with { Errors = 1 }], 0), "no error").Passed);
        Assert.False(Criterion(SoakVerdict.Judge([.. steady[..^1], last with { UnplannedDisconnects = 2 }], 0), "no unplanned disconnect").Passed);
        Assert.False(Criterion(SoakVerdict.Judge([.. steady[..^1], last with { Gaps = 1 }], 0), "no gap").Passed);
        Assert.False(Criterion(SoakVerdict.Judge([.. steady[..^1], last with { ResumesNotRecovered = 1 }], 0), "every resume recovered").Passed);
    }

    [Fact]
    public void Judge_TooFewIntervals_JudgesNoTrend()
    {
        var criteria = SoakVerdict.Judge(Run(rss: [400, 400], heap: [200, 200], p99: [30, 30]), 0);

        Assert.All(criteria.Where(c => c.Name is "RSS steady" or "heap steady" or "p99 not drifting up"),
            c => Assert.False(c.Passed, $"{c.Name}: {c.Detail}"));
    }

    [Fact]
    public void TrendSlope_IsTheMedianOfThePairwiseSlopes() =>
        Assert.Equal(1.0, SoakVerdict.TrendSlope([0, 1, 2, 100, 4]));

    private static SoakCriterion Criterion(IEnumerable<SoakCriterion> criteria, string name) => criteria.Single(c => c.Name == name);

    private static SoakInterval[] Run(double[]? rss = null, double[]? heap = null, double[]? p99 = null)
    {
        p99 ??= [30, 30, 30, 30];
        rss ??= [400, .. Enumerable.Repeat(500.0, p99.Length - 1)];
        heap ??= [200, .. Enumerable.Repeat(300.0, p99.Length - 1)];
        return [.. Enumerable.Range(0, p99.Length).Select(i => new SoakInterval(
            i + 1, i + 1, 10_000, 600_000, 10_000, 10_000, 5, p99[i], p99[i] + 10, rss[i], heap[i], 100, 10, 1, 50, 80,
            5_000, 100, 100, 0, 2_000, 0, 0, 0, 6_000))];
    }
}
