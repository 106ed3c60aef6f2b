using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace SignalRTicker.Server.Tests.Errors;

/// <summary>Runs alone: a first-chance exception handler sees every exception of the process, and other tests throw their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "first-chance exceptions";
}

/// <summary>Normal traffic throws no exception that something else catches: exceptions are not control flow.</summary>
[Collection(RunsAlone.Name)]
public sealed class ExceptionFlowTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true) { Environment = "Production", Settings = { ["Ticker:IntervalMs"] = "20", ["RateLimits:FailedAuthPerMinute"] = "100000" } };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task NormalTraffic_ThrowsNoKeyNotFoundException()
    {
        var thrown = new ConcurrentQueue<string>();
        var all = new ConcurrentQueue<string>();
        void Record(object? sender, FirstChanceExceptionEventArgs e)
        {
            all.Enqueue(e.Exception.GetType().Name + ": " + e.Exception.Message[..Math.Min(80, e.Exception.Message.Length)]);
            if (e.Exception is KeyNotFoundException)
            {
                thrown.Enqueue(e.Exception.ToString() + "\n" + Environment.StackTrace);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await SessionAsync();
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        foreach (var g in all.GroupBy(x => x).OrderByDescending(g => g.Count())) output.WriteLine($"{g.Count()} {g.Key}");
        foreach (var stack in thrown.Take(3))
        {
            output.WriteLine(stack);
        }

        Assert.True(thrown.IsEmpty, $"{thrown.Count} KeyNotFoundExceptions; the first:\n{thrown.FirstOrDefault()}");
    }

    /// <summary>What a client does: a token, the API, a ticket, a hub connection that subscribes and receives quotes, a revocation.</summary>
    private async Task SessionAsync()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        using var client = _app.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        var ticket = (await (await client.PostAsync("/api/auth/ticket", null)).Content.ReadFromJsonAsync<TicketResponse>())!.Ticket;
        await using (var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(ticket)))
        {
            var quotes = new QuoteRecorder(hub);
            await hub.StartAsync().DefaultTimeout();
            await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD", "ETH-USD" }).DefaultTimeout();
            for (var i = 0; i < 5; i++)
            {
                await quotes.NextAsync();
            }

            await hub.InvokeAsync(nameof(ITickerHub.Unsubscribe), new[] { "ETH-USD" }).DefaultTimeout();
            await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
        }

        var admToken = (await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken;
        using var admin = _app.CreateClient(admToken);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/auth/token")).StatusCode);
        await HostileAsync(token);
        var files = new[] { _app.DatabaseFile, _app.DatabaseFile + "-wal" }.Where(File.Exists).ToArray();
        System.Diagnostics.Process.Start("chattr", ["+i", .. files])!.WaitForExit();
        try
        {
            using var anon2 = _app.CreateClient();
            for (var i = 0; i < 5; i++)
            {
                var r = await anon2.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey });
                output.WriteLine($"token while readonly: {(int)r.StatusCode}");
            }
            using var adm = _app.CreateClient(admToken);
            output.WriteLine($"revoke while readonly: {(int)(await adm.DeleteAsync($"/api/admin/keys/{Guid.NewGuid()}")).StatusCode}");
            output.WriteLine($"create while readonly: {(int)(await adm.PostAsJsonAsync("/api/admin/keys", new { name = "x", role = "user", symbols = new[] { "*" } })).StatusCode}");
            output.WriteLine($"healthz while readonly: {(int)(await anon2.GetAsync("/healthz")).StatusCode}");
        }
        finally
        {
            System.Diagnostics.Process.Start("chattr", ["-i", .. files])!.WaitForExit();
        }
        foreach (var protocol in new[] { SignalRTicker.Client.TickerProtocol.MessagePack, SignalRTicker.Client.TickerProtocol.Json })
        {
            await using var cl = new SignalRTicker.Server.Tests.Client.ClientHarness(SignalRTicker.Server.Tests.Client.ClientHarness.Options(_app.BaseAddress, TickerAppFactory.DemoKey, "BTC-USD") with { Protocol = protocol });
            await cl.NextQuoteAsync();
            await cl.NextQuoteAsync();
        }
    }

    private async Task HostileAsync(string revoked)
    {
        using var anon = _app.CreateClient();
        static string B(string json) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(json);
        var parts = revoked.Split('.');
        var forged = new[]
        {
            B("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".",
            B("{\"alg\":\"HS256\",\"kid\":\"nope\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2],
            B("{\"alg\":\"HS512\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2],
            B("{\"alg\":\"HS256\"}") + "." + B("{\"sub\":\"x\"}") + "." + parts[2],
            B("{\"alg\":\"RS256\",\"jku\":\"http://x\"}") + "." + parts[1] + "." + parts[2],
            B("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + "..AAAA.AAAA.AAAA",
            B("{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}") + "." + parts[1] + "." + parts[2],
            parts[0] + "." + B("{\"exp\":\"soon\",\"iss\":5}") + "." + parts[2],
            parts[0] + "." + B("[]") + "." + parts[2],
        };
        foreach (var bad in new[] { revoked, revoked[..^3] + "AAA", "garbage", "a.b.c", "tkt_AAAA" }.Concat(forged))
        {
            using var c = _app.CreateClient(bad);
            await c.GetAsync("/api/symbols");
            await c.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", null);
        }

        await anon.PostAsJsonAsync("/api/auth/token", new { apiKey = "stk_wrong" });
        await anon.GetAsync("/api/auth/me");
        await anon.GetAsync("/nothing");
        await anon.GetAsync("/metrics");
        using (var m = new HttpRequestMessage(HttpMethod.Get, "/metrics"))
        {
            m.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
            await anon.SendAsync(m);
        }
        using (var m = new HttpRequestMessage(HttpMethod.Head, "/api/symbols")) await anon.SendAsync(m);
        using (var m = new HttpRequestMessage(HttpMethod.Options, "/api/auth/token")) { m.Headers.Add("Origin", "http://evil"); m.Headers.Add("Access-Control-Request-Method", "POST"); await anon.SendAsync(m); }
        await anon.GetAsync("/");
        await anon.GetAsync("/lib/signalr/signalr.min.js");
        await anon.GetAsync("/ticker.js");
        using var gc = _app.CreateClient((await _app.GetTokenAsync()).AccessToken);
        await gc.GetAsync("/api/symbols/BTC-USD/history?since=0&limit=5");
        await gc.GetAsync("/api/symbols/NOPE/history");
        await gc.PostAsJsonAsync("/api/quotes", new[] { new { symbol = "BTC-USD", price = 1 } });
        var sec = await _app.CreateKeyAsync("user", "BTC-USD");
        var conns = new List<HubConnection>();
        for (var i = 0; i < 22; i++)
        {
            var t = (await _app.GetTokenAsync(sec)).AccessToken;
            var hc = _app.CreateHubConnection(() => Task.FromResult<string?>(t));
            try { await hc.StartAsync().DefaultTimeout(); } catch (HttpRequestException) { }
            conns.Add(hc);
        }
        foreach (var hc in conns) { try { for (var j = 0; j < 25; j++) await hc.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout(); } catch (Exception) { } await hc.DisposeAsync(); }
        var good = (await _app.GetTokenAsync()).AccessToken;
        await using var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(good));
        await hub.StartAsync().DefaultTimeout();
        foreach (var args in new object?[][] { [new[] { "NOPE" }], [null], [1, 2], [] })
        {
            try { await hub.InvokeCoreAsync<object>(nameof(ITickerHub.Subscribe), args).DefaultTimeout(); } catch (Microsoft.AspNetCore.SignalR.HubException) { }
        }
        try { await hub.InvokeCoreAsync<object>("NoSuchMethod", []).DefaultTimeout(); } catch (Microsoft.AspNetCore.SignalR.HubException) { }
        foreach (var transport in new[] { Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling, Microsoft.AspNetCore.Http.Connections.HttpTransportType.ServerSentEvents, Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets })
        {
            await using var h = new HubConnectionBuilder().WithUrl(new Uri(_app.BaseAddress, "hubs/ticker"), o => { o.Transports = transport; o.AccessTokenProvider = () => Task.FromResult<string?>(good); }).Build();
            await h.StartAsync().DefaultTimeout();
            await h.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        }
        var url = new UriBuilder(new Uri(_app.BaseAddress, "hubs/ticker")) { Scheme = "ws", Query = $"access_token={Uri.EscapeDataString(good)}" }.Uri;
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(url, CancellationToken.None).DefaultTimeout();
        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        await socket.ReceiveAsync(new byte[1024], CancellationToken.None).DefaultTimeout();
        foreach (var raw in new[] { "{\"type\":2,\"invocationId\":\"77\",\"item\":1}", "{\"type\":3,\"invocationId\":\"78\",\"result\":1}", "{\"type\":5,\"invocationId\":\"79\"}", "{\"type\":1,\"invocationId\":\"80\",\"target\":\"Subscribe\",\"arguments\":[],\"streamIds\":[\"9\"]}" })
        {
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(raw + "\u001e"), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        }
        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).DefaultTimeout();
    }
}
