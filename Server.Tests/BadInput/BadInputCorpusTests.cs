using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SignalRTicker.Server.Tests.Fixtures;
using Xunit.Abstractions;

namespace SignalRTicker.Server.Tests.BadInput;

/// <summary>
/// Every hostile input at once against one live server while another connection watches quotes: no 500, the
/// watcher's quote rate holds, and the log grows by a bounded amount.
/// </summary>
[Trait("Category", "WallClock")]
[Collection(RatesMeasuredAlone.Name)]
public sealed class BadInputCorpusTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(3);

    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true)
    {
        Environment = "Production",
        TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()),
        Settings = { ["Ticker:IntervalMs"] = "50" },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task WholeCorpus_NoServerError_WatcherKeepsItsRate_LogStaysBounded()
    {
        var (watcher, quotes) = await _app.ConnectAsync();
        await using var _watcher = watcher;
        await watcher.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD", "SOL-USD" }).DefaultTimeout();
        await quotes.NextAsync();
        var baseline = await RateAsync(quotes, Task.Delay(Window));

        var collector = _app.Services.GetFakeLogCollector();
        var before = collector.GetSnapshot().Count;
        var statuses = new List<(string Request, int Status)>();
        var attack = AttackAsync(statuses);
        var during = await RateAsync(quotes, attack);

        output.WriteLine($"watcher: {baseline:F1} quotes/s before, {during:F1} during; {statuses.Count} requests");
        var errors = statuses.Where(s => s.Status >= 500).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Status} {e.Request}")));
        Assert.True(during >= baseline * 0.9, $"the watcher's rate fell from {baseline:F1} to {during:F1} quotes/s");
        var lines = collector.GetSnapshot().Skip(before).Where(r => r.Level >= LogLevel.Information).ToList();
        Assert.True(lines.Count <= 120, $"{lines.Count} log lines:\n{string.Join("\n", lines.Take(40).Select(r => $"{r.Category}[{r.Id}] {r.Message}"))}");
        Assert.Equal(HubConnectionState.Connected, watcher.State);
    }

    /// <summary>Quotes per second received until <paramref name="until"/> completes (at least one window).</summary>
    private static async Task<double> RateAsync(QuoteRecorder quotes, Task until)
    {
        quotes.Drain();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(until, Task.Delay(Window)).DefaultTimeout(TimeSpan.FromSeconds(60));
        return quotes.Drain().Count / clock.Elapsed.TotalSeconds;
    }

    private async Task AttackAsync(List<(string, int)> statuses)
    {
        var admin = (await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken;
        var user = (await _app.GetTokenAsync()).AccessToken;
        using var adminClient = _app.CreateClient(admin);
        using var anonymous = _app.CreateClient();
        using var forged = _app.CreateClient(user[..^4] + "AAAA");
        using var userClient = _app.CreateClient(user);

        async Task Send(HttpClient client, string method, string path, string body = "")
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body.Length > 0)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);
            statuses.Add(($"{method} {path[..Math.Min(60, path.Length)]}", (int)response.StatusCode));
        }

        // Every bad request of the per-case tests (revoking the admin's token last, as it ends its session).
        foreach (var row in BadInputCorpus.Requests.Select(r => (string)r[0] + " " + (string)r[1]).Where(r => r != "DELETE /api/auth/token"))
        {
            var data = BadInputCorpus.Requests.First(r => (string)r[0] + " " + (string)r[1] == row);
            await Send(adminClient, (string)data[0], (string)data[1], (string)data[2]);
        }

        // Forged tokens and bad keys, past the failure budgets; tickets misused; /metrics without a token.
        for (var i = 0; i < 50; i++)
        {
            await Send(forged, "GET", "/api/symbols");
            await Send(anonymous, "POST", "/api/auth/token", "{\"apiKey\":\"stk_wrong_" + i + "\"}");
        }

        await Send(anonymous, "GET", "/metrics");
        for (var i = 0; i < 40; i++)
        {
            await Send(userClient, "POST", "/api/auth/ticket");
        }

        var ticket = (await (await userClient.PostAsync("/api/auth/ticket", null)).Content.ReadFromJsonAsync<TicketResponse>())?.Ticket ?? "tkt_none";
        await Send(anonymous, "GET", $"/hubs/nothing?access_token={ticket}");
        await Send(anonymous, "POST", $"/hubs/ticker/negotiate?negotiateVersion=1&access_token={ticket}");
        await Send(anonymous, "GET", $"/hubs/ticker?id=bogus&access_token={ticket}");
        await Send(anonymous, "POST", $"/hubs/ticker/negotiate?negotiateVersion=1&access_token={ticket}");

        // Bad hub calls, then a flood of them from one connection.
        await using var bad = _app.CreateHubConnection(() => Task.FromResult<string?>(user));
        await bad.StartAsync().DefaultTimeout();
        foreach (var (method, args) in BadInputCorpus.HubCalls)
        {
            await Assert.ThrowsAsync<HubException>(() => bad.InvokeCoreAsync<object>(method, args).DefaultTimeout());
        }

        var flood = new List<Task>();
        for (var i = 0; i < 2000; i++)
        {
            flood.Add(bad.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "NO-SUCH" }).ContinueWith(t => t.Exception, TaskScheduler.Default));
            if (i % 20 == 0)
            {
                await Task.Yield();
            }
        }

        await Task.WhenAll(flood).DefaultTimeout(TimeSpan.FromSeconds(30));
        await Send(adminClient, "DELETE", "/api/auth/token", "[1,2,3]");
    }
}
