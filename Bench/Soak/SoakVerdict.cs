using System.Globalization;

namespace SignalRTicker.Bench.Soak;

/// <summary>
/// Judges a soak by its rows. The first interval holds the ramp's after-effects (caches warming, the first full
/// collections), so memory is compared from the second: the last interval's RSS and heap must be within
/// <see cref="MemoryTolerance"/> of the second's. p99 must not drift up: the trend of p99 from the second interval on
/// (the Theil–Sen slope, the median of the slopes between every two intervals, which one slow interval does not move)
/// may rise over the run by at most <see cref="P99RiseShare"/> of their median plus <see cref="P99RiseSlackMs"/>: a
/// slow minute is noise on a shared machine, a steady climb is a leak or a growing queue.
/// </summary>
public static class SoakVerdict
{
    public const double MemoryTolerance = 0.05;
    public const double P99RiseShare = 0.2;
    public const double P99RiseSlackMs = 5;

    /// <summary>Intervals needed to judge a trend: the second and at least one after it.</summary>
    public const int MinimumIntervals = 3;

    /// <param name="rows">The soak's intervals, in order.</param>
    /// <param name="setupErrors">Errors while the connections were being opened, before the first interval.</param>
    public static IReadOnlyList<SoakCriterion> Judge(IReadOnlyList<SoakInterval> rows, long setupErrors)
    {
        var errors = rows.Sum(r => r.Errors) + setupErrors;
        var disconnects = rows.Sum(r => r.UnplannedDisconnects);
        var gaps = rows.Sum(r => r.Gaps);
        var notRecovered = rows.Sum(r => r.ResumesNotRecovered);
        return
        [
            new("no error", errors == 0, $"{errors} errors ({setupErrors} while connecting)"),
            new("no unplanned disconnect", disconnects == 0, $"{disconnects} connections closed without the soak asking"),
            new("no gap", gaps == 0, $"{gaps} quotes out of sequence"),
            new("every resume recovered", notRecovered == 0, $"{rows.Sum(r => r.ResumesRecovered)} recovered, {notRecovered} not"),
            Steady("RSS steady", rows, r => r.RssMiB, "MiB"),
            Steady("heap steady", rows, r => r.HeapMiB, "MiB"),
            P99NotDrifting(rows),
        ];
    }

    private static SoakCriterion Steady(string name, IReadOnlyList<SoakInterval> rows, Func<SoakInterval, double?> figure, string unit)
    {
        if (rows.Count < MinimumIntervals)
        {
            return new(name, false, $"too short to judge: {rows.Count} intervals, {MinimumIntervals} needed");
        }

        if (figure(rows[1]) is not { } second || figure(rows[^1]) is not { } last || second <= 0)
        {
            return new(name, false, "no figures: the server could not be read");
        }

        var change = (last - second) / second;
        return new(name, Math.Abs(change) <= MemoryTolerance,
            string.Create(CultureInfo.InvariantCulture, $"interval 2: {second:F1} {unit}, interval {rows.Count}: {last:F1} {unit} ({change:+0.0%;-0.0%;0.0%}, within ±{MemoryTolerance:0%} passes)"));
    }

    private static SoakCriterion P99NotDrifting(IReadOnlyList<SoakInterval> rows)
    {
        const string Name = "p99 not drifting up";
        if (rows.Count < MinimumIntervals)
        {
            return new(Name, false, $"too short to judge: {rows.Count} intervals, {MinimumIntervals} needed");
        }

        var p99 = rows.Skip(1).Select(r => r.P99Ms).ToArray();
        var rise = TrendSlope(p99) * (p99.Length - 1);
        var median = p99.Order().ElementAt(p99.Length / 2);
        var allowed = (P99RiseShare * median) + P99RiseSlackMs;
        return new(Name, rise <= allowed,
            string.Create(CultureInfo.InvariantCulture, $"trend {rise:+0.0;-0.0;0.0} ms from interval 2 to {rows.Count} (median p99 {median:F1} ms; at most {allowed:F1} ms passes)"));
    }

    /// <summary>The Theil–Sen slope of <paramref name="values"/> against their index: the median of the slopes between every two of them.</summary>
    internal static double TrendSlope(IReadOnlyList<double> values)
    {
        var slopes = new List<double>();
        for (var i = 0; i < values.Count; i++)
        {
            for (var j = i + 1; j < values.Count; j++)
            {
                slopes.Add((values[j] - values[i]) / (j - i));
            }
        }

        if (slopes.Count == 0)
        {
            return 0;
        }

        slopes.Sort();
        var middle = slopes.Count / 2;
        return slopes.Count % 2 == 1 ? slopes[middle] : (slopes[middle - 1] + slopes[middle]) / 2;
    }
}
