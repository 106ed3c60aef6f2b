using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRTicker.Server.Tests.Errors;

/// <summary>Runs alone: a first-chance exception handler sees every exception of the process, and other tests throw their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "first-chance exceptions";
}

/// <summary>Traffic, normal and refused, throws no KeyNotFoundException that something then catches: no exceptions as control flow.</summary>
[Collection(RunsAlone.Name)]
public sealed class ExceptionFlowTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true)
    {
        Environment = "Production",
        Settings = { ["Ticker:IntervalMs"] = "20", ["RateLimits:FailedAuthPerMinute"] = "100000" },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Traffic_ThrowsNoKeyNotFoundException()
    {
        var thrown = new ConcurrentQueue<string>();
        void Record(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is KeyNotFoundException)
            {
                thrown.Enqueue(e.Exception + "\n" + Environment.StackTrace);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            for (var i = 0; i < 2; i++)
            {
                await SessionAsync();
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        Assert.True(thrown.IsEmpty, $"{thrown.Count} KeyNotFoundExceptions; the first:\n{thrown.FirstOrDefault()}");
    }

    /// <summary>Tokens, the API, tickets, every transport, quotes, refused credentials and hub calls, a revocation.</summary>
    private async Task SessionAsync()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        using var client = _app.CreateClient(token);
        using var anonymous = _app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        var ticket = (await (await client.PostAsync("/api/auth/ticket", null)).Content.ReadFromJsonAsync<TicketResponse>())!.Ticket;
        foreach (var transport in new[] { HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling })
        {
            var credential = transport == HttpTransportType.WebSockets ? ticket : token;
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(_app.BaseAddress, "hubs/ticker"), o =>
                {
                    o.Transports = transport;
                    o.AccessTokenProvider = () => Task.FromResult<string?>(credential);
                })
                .Build();
            var quotes = new QuoteRecorder(hub);
            await hub.StartAsync().DefaultTimeout();
            await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout();
            await quotes.NextAsync();
            await hub.InvokeAsync(nameof(ITickerHub.Unsubscribe), new[] { "ETH-USD" }).DefaultTimeout();
            await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "NOPE" }).DefaultTimeout());
        }

        using var socket = new ClientWebSocket();
        var url = new UriBuilder(new Uri(_app.BaseAddress, "hubs/ticker")) { Scheme = "ws", Query = $"access_token={Uri.EscapeDataString(token)}" }.Uri;
        await socket.ConnectAsync(url, CancellationToken.None).DefaultTimeout();
        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        await socket.ReceiveAsync(new byte[1024], CancellationToken.None).DefaultTimeout();
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).DefaultTimeout();

        using var forged = _app.CreateClient(token[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = "stk_wrong" })).StatusCode);
        using var admin = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/auth/token")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }
}
