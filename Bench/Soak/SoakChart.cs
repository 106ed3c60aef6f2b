using ScottPlot;

namespace SignalRTicker.Bench.Soak;

/// <summary>One PNG of a soak: server RSS and managed heap (left axis, MiB) and p99 latency (right axis, ms) per interval.</summary>
public static class SoakChart
{
    public const int Width = 900;
    public const int Height = 450;

    public static void Save(IReadOnlyList<SoakInterval> rows, string path)
    {
        var plot = new Plot();
        var minutes = rows.Select(r => r.EndMinute).ToArray();
        if (rows.Any(r => r.RssMiB is not null))
        {
            var rss = plot.Add.Scatter(minutes, rows.Select(r => r.RssMiB ?? double.NaN).ToArray());
            rss.LegendText = "server RSS (MiB)";
            rss.LineWidth = 2;
        }

        if (rows.Any(r => r.HeapMiB is not null))
        {
            var heap = plot.Add.Scatter(minutes, rows.Select(r => r.HeapMiB ?? double.NaN).ToArray());
            heap.LegendText = "managed heap (MiB)";
            heap.LinePattern = LinePattern.Dashed;
        }

        var right = plot.Axes.AddRightAxis();
        var p99 = plot.Add.Scatter(minutes, rows.Select(r => r.P99Ms).ToArray());
        p99.Axes.YAxis = right;
        p99.LegendText = "p99 latency (ms)";
        p99.LineWidth = 2;

        plot.Title("Soak: server memory and p99 latency");
        plot.Axes.Bottom.Label.Text = "minutes";
        plot.Axes.Left.Label.Text = "MiB";
        right.LabelText = "p99 latency (ms)";
        // Memory from zero, so a few percent of drift looks like a few percent; p99 likewise.
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, Math.Max(1, rows.Max(r => Math.Max(r.RssMiB ?? 0, r.HeapMiB ?? 0))) * 1.15, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(1, rows.Max(r => r.P99Ms)) * 1.15, right);
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, Width, Height);
    }
}
