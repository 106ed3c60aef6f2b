using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Client;
using SignalRTicker.ConsoleClient;
using SignalRTicker.ConsoleClient.Views;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// What the console client shows beyond prices, against a real server: bid and ask, a stale marker, subscriptions
/// the server ended, and quotes a reconnect could not recover; in the JSON output (the built program) and the table.
/// </summary>
public sealed class ConsoleNoticesTests : IAsyncLifetime
{
    private readonly ResumeGate _gate = new();
    private readonly TickerAppFactory _app;
    private string _publisherKey = "";

    public ConsoleNoticesTests()
    {
        _app = new TickerAppFactory(fakeTime: false, kestrel: true) { TestServices = _gate.Register };
        _app.Settings["Ticker:HistorySize"] = "5";
    }

    public async Task InitializeAsync()
    {
        foreach (var symbol in new[] { "ACME", "BRK.B", "ZED" })
        {
            Assert.True(Instruments.Add(symbol, InstrumentSource.Published));
        }

        _publisherKey = await _app.CreateKeyAsync("publisher", "ACME", "BRK.B", "ZED");
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _app.DisposeAsync();
    }

    private InstrumentRegistry Instruments => _app.Services.GetRequiredService<InstrumentRegistry>();

    [Fact]
    public async Task JsonOutput_CarriesBidAndAsk_AndStderrTellsStaleAndEndedSubscriptions()
    {
        using var process = ClientProcess.Start("--url", _app.BaseAddress.ToString(), "--api-key", TickerAppFactory.DemoKey,
            "--symbols", "ACME,ZED", "--output", "json", "--stale-check", "0.1");
        try
        {
            var stdout = new ProcessLines(process.StandardOutput);
            var stderr = new ProcessLines(process.StandardError);
            await using var publisher = Publisher();
            var at = DateTimeOffset.UtcNow.AddSeconds(-1);

            // Printed whether it comes before the client subscribes (as the latest quote) or after (pushed).
            await PublishAsync(publisher, new QuoteInput("ACME", 12.5m, 12.49m, 12.51m, at));
            var line = await stdout.NextAsync(l => l.Contains("ACME", StringComparison.Ordinal));
            Assert.True(Instruments.TryGet("ACME", out var acme));
            acme.Stale = true;
            var stale = await stderr.NextAsync(l => l.Contains("ACME", StringComparison.Ordinal));
            acme.Stale = false;
            var live = await stderr.NextAsync(l => l.Contains("ACME", StringComparison.Ordinal));
            Assert.True(await Instruments.RemoveAsync("ZED", CancellationToken.None).DefaultTimeout());
            var ended = await stderr.NextAsync(l => l.Contains("ZED", StringComparison.Ordinal));

            using var json = JsonDocument.Parse(line);
            Assert.Equal(
                ["symbol", "price", "change", "changePercent", "sequence", "timestamp", "bid", "ask"],
                json.RootElement.EnumerateObject().Select(p => p.Name));
            var quote = JsonSerializer.Deserialize<Quote>(line, JsonSerializerOptions.Web)!;
            Assert.Equal(("ACME", 12.5m, 12.49m, 12.51m, at), (quote.Symbol, quote.Price, quote.Bid, quote.Ask, quote.Timestamp));
            Assert.Equal("ticker-client: ACME is stale: its upstream feed is disconnected", stale);
            Assert.Equal("ticker-client: ACME is live again", live);
            Assert.Equal("ticker-client: unsubscribed from ZED by the server: instrument removed", ended);
            Assert.False(process.HasExited);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [Fact]
    public async Task Table_ShowsBidAskStaleEndedAndNotRecovered()
    {
        await using var publisher = Publisher();
        var options = ClientHarness.Options(_app.BaseAddress, TickerAppFactory.DemoKey, "ACME", "BRK.B", "ZED");
        await using var client = new ClientHarness(options);
        await client.NextStateAsync(TickerConnectionState.Connected);
        using var screen = new StringWriter();
        var console = TestConsole.Create(screen);
        var stale = new StaleWatch(client.Connection, TimeSpan.FromMilliseconds(100));
        using var stop = new CancellationTokenSource();
        var view = new TableView(console, options, frame: TimeSpan.FromMilliseconds(50)).RunAsync(client.Connection, stale, stop.Token);

        // Handlers added after the view's run after them (an event calls its handlers in order, on one thread): once
        // these have seen a notice, the view has taken it too, and its last frame shows it.
        var staleSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stale.Changed += (symbol, isStale) =>
        {
            if (symbol == "BRK.B" && isStale)
            {
                staleSeen.TrySetResult();
            }
        };
        var endedSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connection.Unsubscribed += _ => endedSeen.TrySetResult();
        var watching = stale.RunAsync(stop.Token);

        await PublishAsync(publisher, [.. Enumerable.Range(1, 3).Select(i => new QuoteInput("ACME", i, i - 0.5m, i + 0.5m))]);
        await PublishAsync(publisher, new QuoteInput("BRK.B", 401.5m), new QuoteInput("ZED", 7m));
        await client.QuotesUntilAsync(q => q.Symbol == "ZED");
        // Away while ACME moves on by more than the history holds: quotes 4 to 12 are lost to this client.
        _gate.Close();
        Assert.Equal(1, _gate.DropSubscribers());
        await _gate.ResumeHeld.DefaultTimeout();
        await PublishAsync(publisher, [.. Enumerable.Range(4, 10).Select(i => new QuoteInput("ACME", i, i - 0.5m, i + 0.5m))]);
        _gate.Open();
        await client.NextNotRecoveredAsync();
        Assert.True(Instruments.TryGet("BRK.B", out var brk));
        brk.Stale = true;
        await staleSeen.Task.DefaultTimeout();
        Assert.True(await Instruments.RemoveAsync("ZED", CancellationToken.None).DefaultTimeout());
        await client.NextUnsubscribedAsync();
        await endedSeen.Task.DefaultTimeout();

        await stop.CancelAsync();
        await view.DefaultTimeout();
        await watching.DefaultTimeout();

        // The last frame drawn: the table as it stood when the view stopped.
        var text = screen.ToString();
        var frame = text[text.LastIndexOf("SignalRTicker ·", StringComparison.Ordinal)..];
        var rows = frame.Split('\n');
        Assert.Contains(rows, row => row.Contains("Bid", StringComparison.Ordinal) && row.Contains("Ask", StringComparison.Ordinal) && row.Contains("Note", StringComparison.Ordinal));
        var acme = Assert.Single(rows, row => row.Contains("ACME", StringComparison.Ordinal));
        Assert.Matches(@"ACME\s*[│|]\s*13\.00 [▲▼ ]\s*[│|]\s*12\.50\s*[│|]\s*13\.50\s*[│|]", acme);
        Assert.Contains("not recovered: 9 lost", acme, StringComparison.Ordinal);
        var brkRow = Assert.Single(rows, row => row.Contains("BRK.B", StringComparison.Ordinal));
        Assert.Matches(@"BRK\.B\s*[│|]\s*401\.50\s*[│|]\s*–\s*[│|]\s*–\s*[│|]", brkRow);
        Assert.Contains("stale: feed down", brkRow, StringComparison.Ordinal);
        Assert.Contains("unsubscribed: instrument removed", Assert.Single(rows, row => row.Contains("ZED", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    private ClientHarness Publisher() => new(ClientHarness.Options(_app.BaseAddress, _publisherKey));

    private static async Task PublishAsync(ClientHarness publisher, params QuoteInput[] quotes) =>
        await publisher.Connection.PublishAsync(quotes, CancellationToken.None).DefaultTimeout();
}
