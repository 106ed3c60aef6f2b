
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SignalRTicker.ConsoleClient;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>The built console program, run as a process against a real server.</summary>
public sealed class ConsoleProcessTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task JsonOutput_PrintsOneQuotePerLine_WithRisingSequence()
    {
        using var process = ClientProcess.Start("--url", _app.BaseAddress.ToString(), "--api-key", TickerAppFactory.DemoKey, "--symbols", "BTC-USD", "--output", "json");
        try
        {
            var quotes = new List<Quote>();
            using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
            while (quotes.Count < 3)
            {
                var line = await process.StandardOutput.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException($"The client exited ({ClientProcess.Describe(process)}): {await process.StandardError.ReadToEndAsync(deadline.Token)}");
                quotes.Add(JsonSerializer.Deserialize<Quote>(line, JsonSerializerOptions.Web)!);
                using var json = JsonDocument.Parse(line);
                Assert.Equal(
                    ["symbol", "price", "change", "changePercent", "sequence", "timestamp"],
                    json.RootElement.EnumerateObject().Select(p => p.Name));
            }

            Assert.All(quotes, q => Assert.Equal("BTC-USD", q.Symbol));
            Assert.All(quotes, q => Assert.True(q.Price > 0));
            Assert.True(quotes.Zip(quotes.Skip(1)).All(pair => pair.Second.Sequence > pair.First.Sequence),
                string.Join(", ", quotes.Select(q => q.Sequence)));
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [PosixFact("Ctrl+C cannot be sent to one process on Windows; on Linux and macOS it is SIGINT.")]
    public async Task Interrupt_DisconnectsCleanlyAndExitsZero()
    {
        using var process = ClientProcess.Start("--url", _app.BaseAddress.ToString(), "--api-key", TickerAppFactory.DemoKey, "--symbols", "BTC-USD", "--output", "json");
        try
        {
            Assert.NotNull(await process.StandardOutput.ReadLineAsync().DefaultTimeout());
            using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync().DefaultTimeout();
            }

            var (exitCode, _, stderr) = await ClientProcess.WaitForExitAsync(process);

            Assert.Equal(0, exitCode);
            Assert.Equal("", stderr);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [PosixFact("the client notices a closed pipe on file descriptor 1, which Windows does not have.")]
    public async Task JsonOutput_ExitsZero_WhenItsReaderGoesAway()
    {
        using var process = ClientProcess.Start("--url", _app.BaseAddress.ToString(), "--api-key", TickerAppFactory.DemoKey, "--symbols", "BTC-USD", "--output", "json");
        try
        {
            Assert.NotNull(await process.StandardOutput.ReadLineAsync().DefaultTimeout());
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.Close(); // as `ticker-client | head -1` does once head has its line

            await process.WaitForExitAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
            Assert.Equal(0, process.ExitCode);
            Assert.Equal("", await stderr.DefaultTimeout());
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [PosixFact("the redirection is POSIX shell.")]
    public async Task JsonOutput_ToAFileSharedWithStderr_KeepsEveryLineWhole()
    {
        // `{ echo started; ticker-client -v; } > file 2>&1`: the shell, stderr and the quotes share one file and its offset.
        var file = Path.Combine(Path.GetTempPath(), $"ticker-client-{Guid.NewGuid():N}.jsonl");
        var start = ClientProcess.StartInfo(
            ["--url", _app.BaseAddress.ToString(), "--api-key", TickerAppFactory.DemoKey, "--symbols", "BTC-USD", "--output", "json", "--verbose"],
            shell: "exec >\"$OUT\" 2>&1; echo started; exec \"$0\" \"$@\"");
        start.Environment["OUT"] = file;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        try
        {
            await TaskTimeoutExtensions.WaitUntilAsync(() => Lines().Count(IsQuote) >= 5);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }

        var lines = Lines();
        var head = File.ReadLines(file).First();
        File.Delete(file);
        Assert.Equal("started", head);
        Assert.All(lines, line => Assert.True(IsQuote(line) || line.StartsWith("ticker-client: ", StringComparison.Ordinal), $"a mangled line: {line}"));
        Assert.Contains(lines, line => line.StartsWith("ticker-client: connected", StringComparison.Ordinal));

        string[] Lines()
        {
            if (!File.Exists(file))
            {
                return [];
            }

            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line != "started").ToArray();
        }

        static bool IsQuote(string line)
        {
            try
            {
                return JsonSerializer.Deserialize<Quote>(line, JsonSerializerOptions.Web) is { Symbol: "BTC-USD" };
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task BadKey_ExitsWithTheAuthenticationCodeAndOneLineOnStderr()
    {
        using var process = ClientProcess.Start("--url", _app.BaseAddress.ToString(), "--api-key", "stk_not_a_real_key", "--symbols", "BTC-USD", "--output", "json");
        try
        {
            var (exitCode, stdout, stderr) = await ClientProcess.WaitForExitAsync(process);

            Assert.Equal(ExitCodes.Authentication, exitCode);
            Assert.Equal("", stdout);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("401", line);
            Assert.Contains("API key", line);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [Fact]
    public async Task MaxRetries_AgainstADownServer_MakesTheFirstAttemptAndExactlyThatManyRetries()
    {
        await using var down = await DownServer.StartAsync();
        using var process = ClientProcess.Start("--url", down.Url.ToString(), "--api-key", TickerAppFactory.DemoKey, "--symbols", "BTC-USD",
            "--output", "json", "--verbose", "--max-retries", "2");
        try
        {
            var (exitCode, stdout, stderr) = await ClientProcess.WaitForExitAsync(process);

            Assert.Equal(ExitCodes.Unreachable, exitCode);
            Assert.Equal(3, down.Requests);
            Assert.Equal("", stdout);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["retry 1 of 2", "retry 2 of 2"], lines.Select(l => Regex.Match(l, "^ticker-client: reconnecting: (retry \\d+ of \\d+) in [0-9.]+ s: HTTP 502 BadGateway$"))
                .Where(m => m.Success).Select(m => m.Groups[1].Value));
            Assert.Equal(
                $"ticker-client: Could not connect to {down.Url}: 3 attempts failed (the first and 2 retries); the last: HTTP 502 BadGateway",
                lines[^1]);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [Fact]
    public async Task RateLimitedTokenRequest_IsReportedAsRateLimited_WithTheServersRetryAfter()
    {
        _app.Settings["RateLimits:TokenPerMinute"] = "1";
        var tokenUrl = new Uri(_app.BaseAddress, "api/auth/token");
        using var http = new HttpClient();
        using (var first = await http.PostAsJsonAsync(tokenUrl, new { apiKey = TickerAppFactory.DemoKey }).DefaultTimeout())
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // this address's one token request of the minute
        }

        using var refused = await http.PostAsJsonAsync(tokenUrl, new { apiKey = TickerAppFactory.DemoKey }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;

        using var process = ClientProcess.Start("--url", _app.BaseAddress.ToString(), "--api-key", TickerAppFactory.DemoKey, "--symbols", "BTC-USD",
            "--output", "json", "--verbose", "--max-retries", "0");
        try
        {
            using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
            string line;
            do
            {
                line = await process.StandardError.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException($"The client exited ({ClientProcess.Describe(process)}) without reporting the rate limit.");
            }
            while (!line.Contains("rate-limited", StringComparison.Ordinal));

            var reported = Regex.Match(line, "^ticker-client: rate-limited, retrying in (\\d+) s: The server is rate-limiting token requests: Too many token requests");
            Assert.True(reported.Success, line);
            // The client's answer came a moment after the test's own: the same wait, or a second or two less.
            Assert.InRange(int.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture), retryAfter - 5, retryAfter);
            Assert.DoesNotContain("Could not", line, StringComparison.Ordinal);
            Assert.False(process.HasExited, "a rate-limited attempt does not count against --max-retries 0");
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [Fact]
    public async Task BadArguments_ExitWithCode2AndOneLineOnStderr()
    {
        using var process = ClientProcess.Start("--api-key", "k", "--symbols", "BTC-USD", "--max-retries", "-1");
        try
        {
            var (exitCode, _, stderr) = await ClientProcess.WaitForExitAsync(process);

            Assert.Equal(ExitCodes.BadArguments, exitCode);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("--max-retries", line);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }

    [Fact]
    public async Task Help_DocumentsEveryOptionAndTheExitCodes()
    {
        using var process = ClientProcess.Start("--help");
        try
        {
            var (exitCode, stdout, _) = await ClientProcess.WaitForExitAsync(process);

            Assert.Equal(0, exitCode);
            foreach (var option in new[] { "--url", "--api-key", "TICKER_API_KEY", "--symbols", "--output", "--max-retries", "--protocol", "--verbose", "--stale-check", "publish" })
            {
                Assert.Contains(option, stdout);
            }

            Assert.Contains("Exit codes:", stdout);
            // Help wraps its columns to the width it thinks it has.
            var flowing = Regex.Replace(stdout, @"\s+", " ");
            Assert.Contains("2 means 3 attempts in all", flowing);
            Assert.Contains("5 could not connect (the first attempt and all --max-retries retries failed)", flowing);
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }
    }
}
