
using SignalRTicker.Bench;

namespace SignalRTicker.Server.Tests.Bench;

/// <summary>The bench users run against their deployments, against a real server on a loopback port.</summary>
public sealed class BenchRunTests : IAsyncLifetime
{
    private const int IntervalMs = 20;
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);

    public Task InitializeAsync()
    {
        _app.Settings["Ticker:IntervalMs"] = IntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(BenchOptions.RawClient)]
    [InlineData(BenchOptions.OfficialClient)]
    [Trait("Category", "WallClock")]
    public async Task Run_CountsEveryQuoteTheReadersReceived_AgainstWhatTheServerSent(string client)
    {
        string[] symbols = ["BTC-USD", "ETH-USD"];
        var window = TimeSpan.FromSeconds(2);
        var options = new BenchOptions(
            _app.BaseAddress, TickerAppFactory.DemoKey, Connections: 10, Ramp: 100, symbols, SymbolsPerConnection: 0,
            Warmup: TimeSpan.FromSeconds(1), window, client, "json", StalledFraction: 0.2, ServerPid: null, JsonPath: null,
            AllowRemote: false);
        Assert.Empty(options.Validate());

        var result = await new BenchRun(options, TextWriter.Null).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(client, result.Client);
        Assert.Equal(10, result.ConnectionsOk);
        Assert.Equal(0, result.ConnectionsFailed);
        Assert.Equal(2, result.StalledConnections);
        Assert.Equal(0, result.ClosedByServer);
        Assert.Equal(0, result.Gaps);
        Assert.InRange(result.WindowSeconds, window.TotalSeconds, window.TotalSeconds + 1);

        // The server ticked each symbol once per interval through the window: never faster, and not far slower even on
        // a loaded machine.
        var nominalTicks = symbols.Length * result.WindowSeconds * 1000 / IntervalMs;
        Assert.InRange(result.SymbolTicks, nominalTicks * 0.2, nominalTicks + (2 * symbols.Length));

        // Each of the 8 readers watches every symbol, so it was sent every one of those quotes. No quote is counted
        // twice, so no more can arrive; a reader that saw the window open or close a tick later than another misses
        // a few at its edges, and nothing else.
        Assert.Equal(8 * result.SymbolTicks, result.ExpectedDeliveries);
        Assert.InRange(result.Deliveries, (long)(result.ExpectedDeliveries * 0.9), result.ExpectedDeliveries);
        Assert.InRange(result.DeliveredPercent, 90, 100);

        Assert.True(result.LatencyP50Ms > 0, $"p50 {result.LatencyP50Ms} ms");
        Assert.True(
            result.LatencyP50Ms <= result.LatencyP90Ms && result.LatencyP90Ms <= result.LatencyP99Ms && result.LatencyP99Ms <= result.LatencyMaxMs,
            $"p50 {result.LatencyP50Ms} p90 {result.LatencyP90Ms} p99 {result.LatencyP99Ms} max {result.LatencyMaxMs}");
    }

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task Run_CountsTheStalledReadersTheServerCutOff()
    {
        // Eight symbols at 5 ms fill a stalled reader's buffers within a second; the server cuts it off 3 s later. The
        // readers that keep up are in no danger of a 3 s pause, even with other tests running beside this one.
        _app.Settings["Ticker:IntervalMs"] = "5";
        _app.Settings["Delivery:SlowConsumerTimeout"] = "00:00:03";
        string[] symbols = ["BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD", "AVAX-USD", "LINK-USD", "DOT-USD", "ETH-BTC"];
        var options = new BenchOptions(
            _app.BaseAddress, TickerAppFactory.DemoKey, Connections: 5, Ramp: 100, symbols, SymbolsPerConnection: 0,
            Warmup: TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7), BenchOptions.RawClient, "json", StalledFraction: 0.2,
            ServerPid: null, JsonPath: null, AllowRemote: false);

        var result = await new BenchRun(options, TextWriter.Null).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.StalledConnections);
        Assert.Equal(1, result.StalledClosedByServer);
        Assert.Equal(1, result.ClosedByServer); // the readers that kept up stayed connected
        // The stalled reader's quotes are not counted: only the 4 that read, each watching every symbol.
        Assert.Equal(4 * result.SymbolTicks, result.ExpectedDeliveries);
        Assert.InRange(result.Deliveries, 1, result.ExpectedDeliveries);
    }

    [Fact]
    public void Symbols_AreNamedAsTheServerNamesThemInQuotes() =>
        Assert.Equal(["BTC-USD", "ETH-USD"], BenchOptions.ParseSymbols(" btc-usd,Eth-Usd ,"));

    [Fact]
    public void RawClient_SpeaksJsonOnly()
    {
        Assert.Equal(BenchOptions.RawClient, BenchOptions.ResolveClient("auto", "json"));
        Assert.Equal(BenchOptions.OfficialClient, BenchOptions.ResolveClient("auto", "messagepack"));
        var options = new BenchOptions(
            new Uri("http://127.0.0.1:5080/"), "key", 1, 1, ["BTC-USD"], 0, TimeSpan.Zero, TimeSpan.FromSeconds(1),
            BenchOptions.RawClient, "messagepack", 0, null, null, false);

        Assert.Contains(options.Validate(), problem => problem.Contains("--client raw speaks JSON only", StringComparison.Ordinal));
    }
}
