using System.Text.Json;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>The built console program keeps one connection through many short token lifetimes, refreshing in band.</summary>
public sealed class ConsoleTokenRefreshTests : IAsyncLifetime
{
    private const string RefreshNotice = "ticker-client: token refreshed without reconnecting; the server keeps the connection until ";

    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true)
    {
        Settings = { ["Auth:TokenLifetime"] = "00:00:05", ["Ticker:IntervalMs"] = "50" },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task FiveSecondTokens_HalfAMinute_NoReconnect_NoGap_RefreshesOnStderr()
    {
        using var process = ClientProcess.Start("--url", _app.BaseAddress.ToString(), "--api-key", TickerAppFactory.DemoKey,
            "--symbols", "BTC-USD", "--output", "json", "--verbose");
        var stdout = new ProcessLines(process.StandardOutput);
        var stderr = new ProcessLines(process.StandardError);
        var quotes = new List<Quote>();
        IReadOnlyList<string> notices;
        try
        {
            await stderr.NextAsync(line => line == "ticker-client: connected");
            var start = DateTimeOffset.UtcNow;

            // Six token lifetimes: without a refresh the server would have closed the connection five times by now.
            while (DateTimeOffset.UtcNow - start < TimeSpan.FromSeconds(30))
            {
                quotes.Add(JsonSerializer.Deserialize<Quote>(await stdout.NextAsync(_ => true), JsonSerializerOptions.Web)!);
            }

            notices = stderr.ReadAvailable();
            Assert.False(process.HasExited, $"the client stopped: {ClientProcess.Describe(process)}\n{string.Join('\n', notices)}");
        }
        finally
        {
            await ClientProcess.KillAsync(process);
        }

        var described = string.Join('\n', notices);
        Assert.Single(notices, line => line == "ticker-client: connected");
        Assert.DoesNotContain(notices, line => line.StartsWith("ticker-client: reconnecting", StringComparison.Ordinal));
        var refreshes = notices.Count(line => line.StartsWith(RefreshNotice, StringComparison.Ordinal));
        Assert.True(refreshes >= 5, $"{refreshes} refresh notices:\n{described}");
        Assert.All(quotes, quote => Assert.Equal("BTC-USD", quote.Symbol));
        Assert.Equal(Enumerable.Range(0, quotes.Count).Select(i => quotes[0].Sequence + i), quotes.Select(q => q.Sequence));
    }
}
