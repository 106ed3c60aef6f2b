using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit.Abstractions;

namespace SignalRTicker.Server.Tests.Logging;

/// <summary>Refusals the server chose are logged once, without a stack trace, and a flood of them does not flood the log.</summary>
[Trait("Category", "WallClock")]
public sealed class LogFloodTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>A handful of lines per source and kind per interval, and the line of each summary: far from one per refusal.</summary>
    private const int MaxLines = 30;

    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true)
    {
        Environment = "Production",
        TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OneConnectionFloodingBadSubscribes_AddsABoundedNumberOfLines()
    {
        await using var hub = (await _app.ConnectAsync()).Connection;
        var collector = _app.Services.GetFakeLogCollector();
        var before = collector.GetSnapshot().Count;

        // About 1000 calls a second for 5 seconds, each refused: by the hub (unknown symbol) or by the call limit.
        var calls = new List<Task>();
        var clock = Stopwatch.StartNew();
        using (var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(10)))
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                for (var i = 0; i < 10; i++)
                {
                    calls.Add(RefusedAsync(hub));
                }

                await pace.WaitForNextTickAsync();
            }
        }

        await Task.WhenAll(calls).DefaultTimeout(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Connected, hub.State);

        var lines = collector.GetSnapshot().Skip(before).Where(r => r.Level >= LogLevel.Information).ToList();
        output.WriteLine($"{calls.Count} refused calls, {lines.Count} log lines:\n{string.Join("\n", lines.Select(r => $"{r.Level} {r.Category}[{r.Id}] {r.Message}"))}");
        Assert.True(calls.Count > 3000, $"only {calls.Count} calls were made");
        Assert.True(lines.Count <= MaxLines, $"{lines.Count} lines for {calls.Count} refused calls");
        Assert.Contains(lines, r => r.Id.Name is "CallRefused" or "HubCallLimited");
        Assert.All(lines, r => Assert.Null(r.Exception));
        Assert.All(lines, r => Assert.True(r.Level <= LogLevel.Warning, $"{r.Level} {r.Category}: {r.Message}"));
    }

    [Fact]
    public async Task OneAddressFloodingForgedTokens_AddsABoundedNumberOfLines()
    {
        var forged = (await _app.GetTokenAsync()).AccessToken[..^4] + "AAAA";
        using var client = _app.CreateClient(forged);
        var collector = _app.Services.GetFakeLogCollector();
        var before = collector.GetSnapshot().Count;

        for (var i = 0; i < 500; i++)
        {
            using var response = await client.GetAsync("/api/symbols");
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{response.StatusCode}");
        }

        var lines = collector.GetSnapshot().Skip(before).Where(r => r.Level >= LogLevel.Information).ToList();
        Assert.True(lines.Count <= MaxLines, $"{lines.Count} lines for 500 refusals:\n{string.Join("\n", lines.Select(r => r.Message))}");
        Assert.All(lines, r => Assert.Null(r.Exception));
    }

    private static async Task RefusedAsync(HubConnection hub)
    {
        try
        {
            await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "NO-SUCH-SYMBOL" });
        }
        catch (HubException)
        {
            // Refused, as every call here should be.
        }
    }
}
