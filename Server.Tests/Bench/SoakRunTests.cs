using SignalRTicker.Bench;
using SignalRTicker.Bench.Soak;

namespace SignalRTicker.Server.Tests.Bench;

/// <summary>
/// A soak in miniature against a real server on a loopback port: tokens short enough to be renewed in band during
/// the run, a quarter of the connections dropped and resumed each round, the server's own figures read from /proc and
/// /metrics, and the report written.
/// </summary>
public sealed class SoakRunTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);
    private readonly string _output = Path.Combine(Path.GetTempPath(), "signalr-ticker-tests", "soak-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        _app.Settings["Auth:TokenLifetime"] = "00:00:10";
        _app.Settings["Ticker:IntervalMs"] = "50";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task Soak_RenewsTokensInBand_ResumesItsDrops_AndReadsTheServer()
    {
        var options = new SoakOptions(
            _app.BaseAddress, TickerAppFactory.DemoKey, TickerAppFactory.AdminKey, Connections: 8, Ramp: 100, Warmup: TimeSpan.Zero,
            Duration: TimeSpan.FromSeconds(12), ReportEvery: TimeSpan.FromSeconds(6), TraderShare: 0.5, TraderSymbols: 4,
            DashboardInstruments: 3, DashboardMaxSymbols: 2, PublishEvery: TimeSpan.FromMilliseconds(200), TickIntervalMs: 50, ZipfExponent: 1.0,
            DropShare: 0.25, DropEvery: TimeSpan.FromSeconds(6), TokenEvery: TimeSpan.FromSeconds(1), Seed: 1, Prefill: 10,
            ServerPid: Environment.ProcessId, _output, AllowRemote: false);
        Assert.Empty(options.Validate());

        var result = await new SoakRun(options, TextWriter.Null).RunAsync(CancellationToken.None).DefaultTimeout(TimeSpan.FromSeconds(60));
        await SoakReport.WriteAsync(result, _output, CancellationToken.None);

        Assert.Equal((8, 4, 4), (result.Connections, result.Traders, result.Dashboards));
        Assert.Equal(2, result.Intervals.Count);
        var rows = result.Intervals;
        Assert.All(rows, r => Assert.InRange(r.Connections, 6, 8)); // one or two may be away, dropped, as an interval ends
        Assert.All(rows, r => Assert.True(r.Deliveries > 0, $"interval {r.Index}: no quote"));
        // 10-second tokens over 12 seconds: every connection renewed its token at least once, in band.
        Assert.True(rows.Sum(r => r.Refreshes) >= 8, $"{rows.Sum(r => r.Refreshes)} refreshes");
        Assert.True(rows.Sum(r => r.Drops) >= 2, $"{rows.Sum(r => r.Drops)} drops");
        Assert.True(rows.Sum(r => r.ResumesRecovered) >= 1, $"{rows.Sum(r => r.ResumesRecovered)} resumes");
        var criteria = result.Criteria.ToDictionary(c => c.Name);
        foreach (var name in new[] { "no error", "no unplanned disconnect", "no gap", "every resume recovered" })
        {
            Assert.True(criteria[name].Passed, $"{name}: {criteria[name].Detail}");
        }

        // The server is this process: its RSS from /proc, its heap and collections from /metrics.
        Assert.All(rows, r => Assert.True(r.RssMiB > 0 && r.HeapMiB > 0 && r.CpuPercent >= 0 && r.Gen0 >= 0, $"interval {r.Index}: {r}"));
        Assert.Equal(0, result.Setup[SoakEvent.Errors]);

        var png = await File.ReadAllBytesAsync(Path.Combine(_output, SoakReport.ChartFile));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Contains("| minute | connections |", await File.ReadAllTextAsync(Path.Combine(_output, SoakReport.MarkdownFile)), StringComparison.Ordinal);
        Assert.Equal(3, (await File.ReadAllLinesAsync(Path.Combine(_output, SoakReport.CsvFile))).Length);
        Assert.Equal(result.Intervals, SoakReport.FromJson(await File.ReadAllTextAsync(Path.Combine(_output, SoakReport.JsonFile)))!.Intervals);
    }
}
