using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Client;
using SignalRTicker.ConsoleClient;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// <c>ticker-client publish</c>, the built program, fed quotes through stdin or a file, publishing to a real server
/// on a loopback port while a subscriber watches through the client library.
/// </summary>
public sealed class PublishCommandTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true)
    {
    };

    private string _publisherKey = "";

    public async Task InitializeAsync()
    {
        Assert.True(Instruments.Add("ACME", InstrumentSource.Published));
        Assert.True(Instruments.Add("BRK.B", InstrumentSource.Published));
        _publisherKey = await _app.CreateKeyAsync("publisher", "ACME", "BRK.B");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private InstrumentRegistry Instruments => _app.Services.GetRequiredService<InstrumentRegistry>();

    [Fact]
    public async Task CsvPipedThroughStdin_ReachesASubscriberExactly_InBatches()
    {
        const int PerSymbol = 600;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var sent = Enumerable.Range(0, PerSymbol * 2).Select(i => new QuoteInput(
            i % 2 == 0 ? "ACME" : "BRK.B",
            100m + (i * 0.01m),
            i % 3 == 0 ? null : 99.99m + (i * 0.01m),
            i % 3 == 0 ? null : 100.01m + (i * 0.01m),
            start.AddMilliseconds(i))).ToList();
        var csv = new StringBuilder("symbol,price,bid,ask,timestamp\n");
        foreach (var quote in sent)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{quote.Symbol},{quote.Price},{quote.Bid},{quote.Ask},{quote.Timestamp!.Value:O}\n");
        }

        await using var subscriber = new ClientHarness(_app.BaseAddress, "ACME", "BRK.B");
        await subscriber.NextStateAsync(TickerConnectionState.Connected);

        var (exitCode, stdout, stderr) = await PublishAsync(csv.ToString(), "--progress", "0");
        Assert.True(exitCode == ExitCodes.Ok, stderr);
        var received = new List<Quote>();
        while (received.Count < sent.Count)
        {
            received.Add(await subscriber.NextQuoteAsync());
        }

        Assert.Equal("", stdout);
        foreach (var symbol in new[] { "ACME", "BRK.B" })
        {
            var mine = received.Where(q => q.Symbol == symbol).ToList();
            Assert.Equal(Enumerable.Range(1, PerSymbol).Select(i => (long)i), mine.Select(q => q.Sequence));
            Assert.Equal(sent.Where(q => q.Symbol == symbol).Select(q => (q.Price, q.Bid, q.Ask, q.Timestamp)),
                mine.Select(q => (q.Price, q.Bid, q.Ask, (DateTimeOffset?)q.Timestamp)));
        }

        Assert.Equal(0, subscriber.Connection.Stats.Gaps);
        var summary = Regex.Match(stderr, @"^ticker-client publish: finished: read 1200, accepted 1200, ignored 0, batches (\d+), errors 0$", RegexOptions.Multiline);
        Assert.True(summary.Success, stderr);
        Assert.InRange(int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture), 3, 1200); // at most 500 a batch
    }

    [Fact]
    public async Task JsonLinesFile_WithABadLine_NamesItsLineNumber_AndPublishesOnlyTheLinesBeforeIt()
    {
        var file = WriteInput(
            """{"symbol":"ACME","price":12.5,"bid":12.49,"ask":12.51}""",
            "",
            """{"symbol":"acme","price":"12.75"}""",
            """{"symbol":"ACME","bid":12.8}""",
            """{"symbol":"ACME","price":13}""");
        try
        {
            await using var subscriber = new ClientHarness(_app.BaseAddress, "ACME");
            await subscriber.NextStateAsync(TickerConnectionState.Connected);

            var (exitCode, _, stderr) = await PublishAsync(null, "--file", file);
            var first = await subscriber.NextQuoteAsync();
            var second = await subscriber.NextQuoteAsync();

            Assert.Equal(ExitCodes.BadInput, exitCode);
            var error = Assert.Single(stderr.Split('\n'), line => line.Contains("line 4:", StringComparison.Ordinal));
            Assert.StartsWith("ticker-client publish: line 4: not a quote (", error, StringComparison.Ordinal);
            Assert.Contains("price", error, StringComparison.Ordinal);
            Assert.EndsWith("Stopped there: the quotes before it are published, none after it.", error, StringComparison.Ordinal);
            Assert.Matches("(?m)^ticker-client publish: finished: read 2, accepted 2, ignored 0, batches [12], errors 1$", stderr);
            Assert.Equal((1L, 12.5m, 12.49m, 12.51m), (first.Sequence, first.Price, first.Bid, first.Ask));
            Assert.Equal((2L, 12.75m, (decimal?)null), (second.Sequence, second.Price, second.Bid));
            Assert.True(Instruments.TryGet("ACME", out var acme));
            Assert.Equal(2, acme.Sequence);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RefusedBatch_NamesTheLineOfTheBadItem_AndNothingOfTheBatchIsPublished()
    {
        // One batch for certain: it waits for the end of the input rather than send part of it early.
        var (exitCode, _, stderr) = await PublishAsync("ACME,1\nACME,2\nNOPE,3\nACME,4\n", "--batch-size", "10", "--flush-after", "10000");

        Assert.Equal(ExitCodes.PublishRefused, exitCode);
        var error = Assert.Single(stderr.Split('\n'), line => line.Contains("refused", StringComparison.Ordinal));
        Assert.Equal(
            "ticker-client publish: line 3: refused by the server: quotes[2].symbol 'NOPE' is not a known instrument; an admin adds it with " +
            "POST /api/admin/symbols. Nothing of its batch (lines 1–4) was published. Stopped there: nothing after it was sent.",
            error);
        Assert.True(Instruments.TryGet("ACME", out var acme));
        Assert.Equal(0, acme.Sequence);
    }

    [Fact]
    public async Task KeepGoing_SkipsBadLinesAndRefusedBatches_AndTheExitCodeStillSaysSo()
    {
        var (exitCode, _, stderr) = await PublishAsync("ACME,1\nACME,abc\nACME,2\nNOPE,3\nACME,3\n", "--batch-size", "1", "--keep-going");

        Assert.Equal(ExitCodes.PublishRefused, exitCode);
        Assert.Contains("ticker-client publish: line 2: price 'abc' is not a number. Skipped.", stderr, StringComparison.Ordinal);
        Assert.Contains("ticker-client publish: line 4: refused by the server: quotes[0].symbol 'NOPE' is not a known instrument", stderr, StringComparison.Ordinal);
        Assert.Contains("ticker-client publish: finished: read 4, accepted 3, ignored 0, batches 3, errors 2", stderr, StringComparison.Ordinal);
        Assert.True(Instruments.TryGet("ACME", out var acme));
        Assert.Equal(3, acme.Sequence);
        Assert.Equal(3m, acme.Latest!.Price);
    }

    [Fact]
    public async Task OlderQuotes_AreCountedAsIgnored_NotAsErrors()
    {
        var now = DateTimeOffset.UtcNow;
        var input = $"symbol,timestamp,price\nACME,{now.AddSeconds(-1):O},10\nACME,{now.AddSeconds(-2):O},9\n";

        var (exitCode, _, stderr) = await PublishAsync(input, "--batch-size", "1");

        Assert.True(exitCode == ExitCodes.Ok, stderr);
        Assert.Contains("finished: read 2, accepted 1, ignored 1, batches 2, errors 0", stderr, StringComparison.Ordinal);
        Assert.True(Instruments.TryGet("ACME", out var acme));
        Assert.Equal(10m, acme.Latest!.Price);
    }

    [Fact]
    public async Task BatchOverTheServersMessageLimit_IsRefusedAfterThreeSends_NotResentForever()
    {
        await using var small = new TickerAppFactory(fakeTime: false, kestrel: true)
        {
            TestServices = services => services.Configure<HubOptions>(options => options.MaximumReceiveMessageSize = 2048),
        };
        Assert.True(small.Services.GetRequiredService<InstrumentRegistry>().Add("ACME", InstrumentSource.Published));
        var key = await small.CreateKeyAsync("publisher", "ACME");
        var input = string.Concat(Enumerable.Range(1, 100).Select(i => $"ACME,{i}\n"));

        var (exitCode, _, stderr) = await PublishAsync(input, "--url", small.BaseAddress.ToString(), "--api-key", key, "--flush-after", "10000",
            "--max-retries", "3"); // each close is followed by a reconnect

        Assert.Equal(ExitCodes.PublishRefused, exitCode);
        // What the last close said depends on how the connection went down; that it was refused after three sends does not.
        Assert.Contains("ticker-client publish: lines 1–100: the server refused the batch: The server closed the connection each of the 3 times this batch was sent", stderr, StringComparison.Ordinal);
        Assert.True(small.Services.GetRequiredService<InstrumentRegistry>().TryGet("ACME", out var acme));
        Assert.Equal(0, acme.Sequence);
    }

    [Fact]
    public async Task BadKey_FailsAtOnce_WithTheAuthenticationExitCode()
    {
        var (exitCode, _, stderr) = await PublishAsync("", "--api-key", "stk_not_a_real_key");

        Assert.Equal(ExitCodes.Authentication, exitCode);
        Assert.Contains("ticker-client publish: The server refused the API key (401 Unauthorized)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("stk_not_a_real_key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_DocumentsTheFormatsOptionsAndExitCodes()
    {
        using var process = ClientProcess.Start("publish", "--help");
        try
        {
            var (exitCode, stdout, _) = await ClientProcess.WaitForExitAsync(process);

            Assert.Equal(0, exitCode);
            foreach (var option in new[] { "--url", "--api-key", "--file", "--format", "--batch-size", "--flush-after", "--keep-going", "--progress", "--max-retries" })
            {
                Assert.Contains(option, stdout, StringComparison.Ordinal);
            }

            var flowing = Regex.Replace(stdout, @"\s+", " ");
            Assert.Contains("symbol,price[,bid,ask,timestamp]", flowing, StringComparison.Ordinal);
            Assert.Contains("6 a line is not a quote (its number is named", flowing, StringComparison.Ordinal);
            Assert.Contains("7 the server refused a batch (the line of the bad item is named", flowing, StringComparison.Ordinal);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    /// <summary>
    /// Runs <c>ticker-client publish</c> against this test's server with the publisher's key (unless the arguments name
    /// others), writing <paramref name="stdin"/> to it.
    /// </summary>
    private async Task<(int ExitCode, string Stdout, string Stderr)> PublishAsync(string? stdin, params string[] arguments)
    {
        string[] all = ["publish", .. arguments];
        if (!arguments.Contains("--max-retries"))
        {
            all = [.. all, "--max-retries", "0"];
        }

        if (!arguments.Contains("--url"))
        {
            all = [.. all, "--url", _app.BaseAddress.ToString()];
        }

        if (!arguments.Contains("--api-key"))
        {
            all = [.. all, "--api-key", _publisherKey];
        }

        using var process = ClientProcess.Start(all);
        try
        {
            var exited = ClientProcess.WaitForExitAsync(process);
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin).DefaultTimeout();
            }

            process.StandardInput.Close();
            return await exited;
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    private static string WriteInput(params string[] lines)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ticker-publish-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(file, lines);
        return file;
    }
}
