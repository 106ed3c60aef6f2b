using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SignalRTicker.Server.Shutdown;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Shutdown;

/// <summary>The drain a stopping node runs, against the real host on a loopback port with the official client.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task Drain_RefusesNewConnections_AndClosesOpenOnesOverTheWindow_WithACloseThatAllowsReconnect()
    {
        await using var app = new TickerAppFactory(fakeTime: false, kestrel: true);
        app.Settings["Shutdown:DrainSeconds"] = "2";
        var token = (await app.GetTokenAsync()).AccessToken;
        var clock = Stopwatch.StartNew();
        var policies = new List<RecordingRetryPolicy>();
        var connections = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var policy = new RecordingRetryPolicy(clock);
                var connection = policy.Connect(app.BaseAddress, token);
                await connection.StartAsync().DefaultTimeout();
                await connection.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout(); // registered
                policies.Add(policy);
                connections.Add(connection);
            }

            var drain = app.Services.GetRequiredService<ShutdownDrain>();
            Assert.False(drain.IsDraining);
            using var probe = app.CreateClient();
            using (var ready = await probe.GetAsync("/healthz/ready").DefaultTimeout())
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            clock.Restart();
            var draining = drain.DrainAsync();
            Assert.True(drain.IsDraining);

            // A balancer stops sending clients here; the process is still alive.
            using (var ready = await probe.GetAsync("/healthz/ready").DefaultTimeout())
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            }

            using (var live = await probe.GetAsync("/healthz/live").DefaultTimeout())
            {
                Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            }

            using var http = app.CreateClient(token);
            using var negotiate = await http.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", content: null).DefaultTimeout();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, negotiate.StatusCode);
            Assert.Equal("application/problem+json", negotiate.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(1), negotiate.Headers.RetryAfter?.Delta);
            Assert.Contains("shutting down", (await negotiate.Content.ReadFromJsonAsync<ProblemBody>().DefaultTimeout())!.Detail, StringComparison.Ordinal);

            await using var late = new RecordingRetryPolicy(clock).Connect(app.BaseAddress, token);
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => late.StartAsync().DefaultTimeout());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

            await draining.DefaultTimeout();
            var closes = new List<TimeSpan>();
            foreach (var policy in policies)
            {
                var (reason, at) = await policy.Asked.DefaultTimeout();
                var closed = Assert.IsType<HubException>(reason);
                Assert.EndsWith(CloseReasons.ServerShuttingDown, closed.Message, StringComparison.Ordinal);
                closes.Add(at);
            }

            // Four connections over 2 s close at 0, 0.5, 1 and 1.5 s: not all at once, and within the window (and its grace).
            closes.Sort();
            Assert.True(closes[^1] - closes[0] >= TimeSpan.FromSeconds(1.2), $"The closes came at {string.Join(", ", closes.Select(c => c.TotalMilliseconds))} ms.");
            Assert.True(closes[^1] < TimeSpan.FromSeconds(2) + ShutdownDrain.Grace, $"The last close came at {closes[^1].TotalMilliseconds} ms.");
            Assert.Equal(0, app.Services.GetRequiredService<LiveConnections>().Count);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Drain_AnswersAHubPublishInFlightBeforeClosing_AndRunsNoCallThatArrivesAfter()
    {
        var gate = new PublishGate();
        await using var app = new TickerAppFactory(fakeTime: false, kestrel: true) { TestServices = gate.Register };
        await CreatePublishedInstrumentAsync(app);
        var publisher = await app.CreateKeyAsync("publisher", GatedQuoteEngine.Symbol);
        var token = (await app.GetTokenAsync(publisher)).AccessToken;
        var policy = new RecordingRetryPolicy(Stopwatch.StartNew());
        await using var connection = policy.Connect(app.BaseAddress, token);
        await connection.StartAsync().DefaultTimeout();

        var inFlight = connection.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish), new[] { new QuoteInput(GatedQuoteEngine.Symbol, 10m) });
        await gate.Held.DefaultTimeout();
        var draining = app.Services.GetRequiredService<ShutdownDrain>().DrainAsync();
        var live = Assert.Single(app.Services.GetRequiredService<LiveConnections>().All);
        await TaskTimeoutExtensions.WaitUntilAsync(() => live.IsClosing);
        // Sent once the connection is closing: SignalR queues it behind the call in flight, and it must never run.
        var tooLate = connection.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish), new[] { new QuoteInput(GatedQuoteEngine.Symbol, 11m) });
        Assert.False(policy.Asked.IsCompleted);

        gate.Open();

        Assert.Equal(new PublishResult(1, 0), await inFlight.DefaultTimeout());
        var (reason, _) = await policy.Asked.DefaultTimeout();
        Assert.EndsWith(CloseReasons.ServerShuttingDown, Assert.IsType<HubException>(reason).Message, StringComparison.Ordinal);
        var lost = await Assert.ThrowsAnyAsync<Exception>(() => tooLate.DefaultTimeout());
        Assert.Contains(CloseReasons.ServerShuttingDown, lost.Message, StringComparison.Ordinal);
        await draining.DefaultTimeout();

        Assert.Equal(1, gate.Ran);
        using var reader = app.CreateClient(token);
        var history = await reader.GetFromJsonAsync<Quote[]>($"/api/symbols/{GatedQuoteEngine.Symbol}/history").DefaultTimeout();
        Assert.Equal([10m], history!.Select(q => q.Price));
    }

    [Fact]
    public async Task Stop_FinishesAnHttpPublishInFlight_BeforeTheNodeExits()
    {
        var engine = new GatedQuoteEngine();
        var app = new TickerAppFactory(fakeTime: false, kestrel: true) { TestServices = engine.Register };
        await using var owned = app;
        await CreatePublishedInstrumentAsync(app);
        // A client of its own: the factory disposes the clients it made before it stops the host.
        using var publisher = new HttpClient { BaseAddress = app.BaseAddress };
        publisher.DefaultRequestHeaders.Authorization = new("Bearer", (await app.GetTokenAsync(await app.CreateKeyAsync("publisher", GatedQuoteEngine.Symbol))).AccessToken);

        var publish = publisher.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput(GatedQuoteEngine.Symbol, 10m) });
        await engine.Held.DefaultTimeout();
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = app.DisposeAsync().AsTask();
        await TaskTimeoutExtensions.WaitUntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested);
        Assert.False(publish.IsCompleted);

        engine.Open();

        using var answered = await publish.DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal(new PublishResult(1, 0), await answered.Content.ReadFromJsonAsync<PublishResult>().DefaultTimeout());
        await stopped.DefaultTimeout();
    }

    private static async Task CreatePublishedInstrumentAsync(TickerAppFactory app)
    {
        using var admin = app.CreateClient((await app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        using var created = await admin.PostAsJsonAsync("/api/admin/symbols", new CreateInstrumentRequest(GatedQuoteEngine.Symbol, "published")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private sealed record ProblemBody(string Title, string Detail);
}
