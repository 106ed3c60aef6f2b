using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalRTicker.Bench.Soak;

/// <summary>
/// Writes a soak's result into a folder: <c>soak.json</c> (everything), <c>soak.csv</c> (one row per interval),
/// <c>soak.md</c> (the table and the verdict, ready for docs/performance.md) and <c>soak.png</c> (RSS, heap and p99
/// over time).
/// </summary>
public static class SoakReport
{
    public const string JsonFile = "soak.json";
    public const string CsvFile = "soak.csv";
    public const string MarkdownFile = "soak.md";
    public const string ChartFile = "soak.png";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task WriteAsync(SoakResult result, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, JsonFile), ToJson(result), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, CsvFile), Csv(result.Intervals), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, MarkdownFile), Markdown(result), cancellationToken);
        SoakChart.Save(result.Intervals, Path.Combine(directory, ChartFile));
    }

    public static string ToJson(SoakResult result) => JsonSerializer.Serialize(result, JsonOptions);

    public static SoakResult? FromJson(string json) => JsonSerializer.Deserialize<SoakResult>(json, JsonOptions);

    /// <summary>One interval on one line, for the progress log.</summary>
    public static string Line(SoakInterval r) => string.Create(Invariant,
        $"interval {r.Index} (min {r.EndMinute:F1}): {r.Connections} open, {r.DeliveriesPerSecond:N0}/s of {r.NominalPerSecond:N0} nominal, " +
        $"p50 {r.P50Ms} ms p99 {r.P99Ms} ms, rss {Show(r.RssMiB)} MiB heap {Show(r.HeapMiB)} MiB, cpu {Show(r.CpuPercent)}%, " +
        $"gc {Show(r.Gen0)}/{Show(r.Gen1)}/{Show(r.Gen2)} pause {Show(r.GcPauseMs)} ms, refreshes {r.Refreshes}, drops {r.Drops}, " +
        $"resumes {r.ResumesRecovered}/{r.ResumesNotRecovered} (recovered/not), disconnects {r.UnplannedDisconnects}, gaps {r.Gaps}, errors {r.Errors}");

    public static string Csv(IReadOnlyList<SoakInterval> rows)
    {
        var csv = new StringBuilder();
        csv.AppendLine("interval,end_minute,connections,deliveries,deliveries_per_s,nominal_per_s,p50_ms,p99_ms,max_ms,rss_mib,heap_mib," +
                       "gen0,gen1,gen2,gc_pause_ms,cpu_percent,refreshes,drops,resumes_recovered,resumes_not_recovered,quotes_recovered," +
                       "unplanned_disconnects,gaps,errors,published");
        foreach (var r in rows)
        {
            csv.AppendLine(string.Create(Invariant,
                $"{r.Index},{r.EndMinute},{r.Connections},{r.Deliveries},{r.DeliveriesPerSecond},{r.NominalPerSecond},{r.P50Ms},{r.P99Ms},{r.MaxMs}," +
                $"{r.RssMiB},{r.HeapMiB},{r.Gen0},{r.Gen1},{r.Gen2},{r.GcPauseMs},{r.CpuPercent},{r.Refreshes},{r.Drops},{r.ResumesRecovered}," +
                $"{r.ResumesNotRecovered},{r.QuotesRecovered},{r.UnplannedDisconnects},{r.Gaps},{r.Errors},{r.Published}"));
        }

        return csv.ToString();
    }

    public static string Markdown(SoakResult result)
    {
        var md = new StringBuilder();
        md.AppendLine(string.Create(Invariant,
            $"Soak of {result.StartedAt:yyyy-MM-dd HH:mm} UTC: {result.Connections:N0} connections ({result.Dashboards:N0} dashboards on " +
            $"{result.DashboardInstruments} published instruments every {result.PublishEverySeconds:0.##} s, {result.Traders:N0} traders on " +
            $"{result.TraderSymbols} of {result.UniverseSize:N0} simulated instruments every {result.TickIntervalMs} ms), tokens of " +
            $"{result.TokenLifetimeSeconds:0} s renewed in band, {result.DropShare:0.#%} dropped and resumed per round; nominal " +
            $"{result.NominalPerSecond:N0} deliveries/s."));
        md.AppendLine();
        md.AppendLine("| minute | connections | deliveries/s | p50 ms | p99 ms | RSS MiB | heap MiB | GC gen0/1/2 | GC pause ms | CPU % | refreshes | resumes recovered/not | unplanned disconnects | gaps | errors |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in result.Intervals)
        {
            md.AppendLine(string.Create(Invariant,
                $"| {r.EndMinute:0.#} | {r.Connections:N0} | {r.DeliveriesPerSecond:N0} | {r.P50Ms} | {r.P99Ms} | {Show(r.RssMiB)} | {Show(r.HeapMiB)} | " +
                $"{Show(r.Gen0)}/{Show(r.Gen1)}/{Show(r.Gen2)} | {Show(r.GcPauseMs)} | {Show(r.CpuPercent)} | {r.Refreshes} | " +
                $"{r.ResumesRecovered}/{r.ResumesNotRecovered} | {r.UnplannedDisconnects} | {r.Gaps} | {r.Errors} |"));
        }

        md.AppendLine();
        foreach (var c in result.Criteria)
        {
            md.AppendLine(Invariant, $"- {(c.Passed ? "pass" : "FAIL")}: {c.Name} ({c.Detail})");
        }

        md.AppendLine();
        md.AppendLine(result.Passed ? "Verdict: PASS" : "Verdict: FAIL");
        return md.ToString();
    }

    private static string Show(double? value) => value is { } v ? v.ToString("0.#", Invariant) : "n/a";

    private static string Show(long? value) => value is { } v ? v.ToString(Invariant) : "n/a";
}
