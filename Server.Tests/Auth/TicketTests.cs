using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.Tests.Auth;

/// <summary>Connection tickets: stand in for the JWT in the hub's query, once, within 30 seconds, on hub paths only.</summary>
public sealed class TicketTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(kestrel: true);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(string Token, string Ticket)> TicketAsync()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        using var client = _app.CreateClient(token);
        using var response = await client.PostAsync("/api/auth/ticket", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<TicketResponse>())!;
        Assert.Equal(30, body.ExpiresIn);
        Assert.StartsWith("tkt_", body.Ticket);
        return (token, body.Ticket);
    }

    /// <summary>Opens the hub's WebSocket with the credential in the query, as a browser does, and completes the handshake.</summary>
    private async Task<(ClientWebSocket? Socket, HttpStatusCode? Status)> ConnectWithQueryAsync(string credential)
    {
        var url = new UriBuilder(new Uri(_app.BaseAddress, "hubs/ticker")) { Scheme = "ws", Query = $"access_token={Uri.EscapeDataString(credential)}" }.Uri;
        var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        try
        {
            await socket.ConnectAsync(url, CancellationToken.None).DefaultTimeout();
        }
        catch (WebSocketException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            return (null, status);
        }

        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, received.Count));
        return (socket, null);
    }

    [Fact]
    public async Task Ticket_ConnectsOnce_ThenIsRefused()
    {
        var (_, ticket) = await TicketAsync();

        var (socket, _) = await ConnectWithQueryAsync(ticket);
        using var first = socket;
        var (second, status) = await ConnectWithQueryAsync(ticket);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Ticket_AfterThirtySeconds_IsRefused()
    {
        var (_, ticket) = await TicketAsync();

        _app.Time!.Advance(TimeSpan.FromSeconds(31));
        var (socket, status) = await ConnectWithQueryAsync(ticket);

        Assert.Null(socket);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Ticket_OnNegotiate_IsSpent()
    {
        var (_, ticket) = await TicketAsync();
        using var client = _app.CreateClient();

        using var first = await client.PostAsync($"/hubs/ticker/negotiate?negotiateVersion=1&access_token={ticket}", null);
        using var second = await client.PostAsync($"/hubs/ticker/negotiate?negotiateVersion=1&access_token={ticket}", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("POST /api/auth/ticket", second.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Ticket_OnANonHubPath_IsRefused_AndStaysUnused()
    {
        var (_, ticket) = await TicketAsync();
        using var anonymous = _app.CreateClient();
        using var bearer = _app.CreateClient(ticket);

        using var inQuery = await anonymous.GetAsync($"/api/symbols?access_token={ticket}");
        using var inHeader = await bearer.GetAsync("/api/symbols");

        Assert.Equal(HttpStatusCode.Unauthorized, inQuery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, inHeader.StatusCode);
        var (socket, _) = await ConnectWithQueryAsync(ticket);
        using var _socket = socket;
        Assert.NotNull(socket);
    }

    [Fact]
    public async Task UnknownTicket_IsRefused_AndJwtInQueryStillWorks()
    {
        var (token, _) = await TicketAsync();

        var (forged, status) = await ConnectWithQueryAsync("tkt_" + new string('A', 43));
        var (socket, _) = await ConnectWithQueryAsync(token);
        using var _socket = socket;

        Assert.Null(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.NotNull(socket);
    }

    [Theory]
    [InlineData(HttpTransportType.LongPolling)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.WebSockets)]
    public async Task OfficialClient_WithAFreshTicketPerRequest_ConnectsAndStreams(HttpTransportType transport)
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        using var client = _app.CreateClient(token);
        var tickets = 0;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.BaseAddress, "hubs/ticker"), options =>
            {
                options.Transports = transport;
                options.AccessTokenProvider = async () =>
                {
                    Interlocked.Increment(ref tickets);
                    using var response = await client.PostAsync("/api/auth/ticket", null);
                    return (await response.Content.ReadFromJsonAsync<TicketResponse>())!.Ticket;
                };
            })
            .Build();

        await hub.StartAsync().DefaultTimeout();
        await hub.InvokeAsync<object>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        _app.Tick();
        Assert.Equal(["BTC-USD"], await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());
        Assert.Equal(HubConnectionState.Connected, hub.State);

        // Negotiate's ticket carries the polling transports' later requests; a WebSocket client asks again to connect.
        Assert.Equal(transport == HttpTransportType.WebSockets ? 2 : 1, tickets);
    }

    [Fact]
    public async Task NegotiatedTicket_WithAnotherConnectionId_IsRefused_AndTheRealConnectStillWorks()
    {
        var (_, ticket) = await TicketAsync();
        using var client = _app.CreateClient();
        using var negotiate = await client.PostAsync($"/hubs/ticker/negotiate?negotiateVersion=1&access_token={ticket}", null);
        Assert.Equal(HttpStatusCode.OK, negotiate.StatusCode);
        var connectionToken = System.Text.Json.JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();

        using var bogus = await client.GetAsync($"/hubs/ticker?id=bogus&access_token={ticket}");
        using var noId = await client.GetAsync($"/hubs/ticker?access_token={ticket}");
        Assert.Equal(HttpStatusCode.Unauthorized, bogus.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, noId.StatusCode);

        var url = new UriBuilder(new Uri(_app.BaseAddress, "hubs/ticker")) { Scheme = "ws", Query = $"id={connectionToken}&access_token={ticket}" }.Uri;
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, CancellationToken.None).DefaultTimeout();
        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [Fact]
    public async Task Ticket_OnAPathThatIsNoHub_IsRefused_AndStaysUnused()
    {
        var (_, ticket) = await TicketAsync();
        using var client = _app.CreateClient();

        using var nothing = await client.GetAsync($"/hubs/nothing?access_token={ticket}");
        using var nothingNegotiate = await client.PostAsync($"/hubs/nothing/negotiate?negotiateVersion=1&access_token={ticket}", null);

        // Nothing is there; before, authentication still redeemed (and so spent) the ticket on the way.
        Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, nothingNegotiate.StatusCode);
        var (socket, _) = await ConnectWithQueryAsync(ticket);
        using var _socket = socket;
        Assert.NotNull(socket);
    }

    [Fact]
    public async Task Ticket_NeedsAToken()
    {
        using var client = _app.CreateClient();

        using var response = await client.PostAsync("/api/auth/ticket", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

/// <summary>Tickets are limited per key, so one key cannot fill the store or slow it down for another.</summary>
public sealed class TicketLimitTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OneKeyFlooding_Gets429_AnotherKeyStillGetsTickets()
    {
        var flooder = _app.CreateClient((await _app.GetTokenAsync()).AccessToken);
        var other = _app.CreateClient((await _app.GetTokenAsync(await _app.CreateKeyAsync("user", "BTC-USD"))).AccessToken);

        for (var i = 0; i < TicketStore.MaxUnusedPerKey; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await flooder.PostAsync("/api/auth/ticket", null)).StatusCode);
        }

        using var tooFast = await flooder.PostAsync("/api/auth/ticket", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooFast.StatusCode);
        Assert.True(tooFast.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsync("/api/auth/ticket", null)).StatusCode);

        // The rate has refilled, but the key still holds its unused tickets: still refused, until they expire.
        _app.Time!.Advance(TimeSpan.FromSeconds(10));
        using var tooMany = await flooder.PostAsync("/api/auth/ticket", null);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooMany.StatusCode);
        Assert.Contains("unused tickets", await tooMany.Content.ReadAsStringAsync());
        _app.Time.Advance(TicketStore.Lifetime);
        Assert.Equal(HttpStatusCode.OK, (await flooder.PostAsync("/api/auth/ticket", null)).StatusCode);
    }

    [Fact]
    public void FullStore_CostsTheSamePerRequest()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var store = new MemoryTicketLedger(time);
        for (var key = 0; store.Issue("token", $"key {key}").Ticket is not null || key % 1000 != 0; key++)
        {
            for (var i = 1; i < TicketStore.MaxUnusedPerKey; i++)
            {
                store.Issue("token", $"key {key}");
            }
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var issued = 0;
        for (var i = 0; i < 2000; i++)
        {
            issued += store.Issue("token", $"late key {i % 100}").Ticket is null ? 0 : 1;
        }

        // Each refusal is a few dictionary look-ups; a scan of the store per request takes seconds here.
        Assert.Equal(0, issued);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500), $"2000 requests on a full store took {clock.Elapsed.TotalMilliseconds} ms");
    }
}
