using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Tests.Logging;

/// <summary>No API key, JWT or ticket reaches any log line, at any level, through a whole session.</summary>
public sealed class SecretsInLogsTests : IAsyncLifetime
{
    // Production: Development prints its demo key at start, on purpose.
    private readonly TickerAppFactory _app = new(kestrel: true)
    {
        Environment = "Production",
        TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()),
        Settings =
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task FullSession_LogsNoSecret()
    {
        var secrets = new List<string> { TickerAppFactory.DemoKey, TickerAppFactory.AdminKey, "stk_wrong_key_that_looks_real_123456" };

        // Tokens, a bad key, and a key created through the admin API.
        var token = (await _app.GetTokenAsync()).AccessToken;
        var admin = (await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken;
        using var anonymous = _app.CreateClient();
        using var adminClient = _app.CreateClient(admin);
        using var client = _app.CreateClient(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = secrets[2] })).StatusCode);
        var created = (await (await adminClient.PostAsJsonAsync("/api/admin/keys", new { name = "carol", role = "user", symbols = new[] { "BTC-USD" } }))
            .Content.ReadFromJsonAsync<CreatedKeyResponse>())!;
        var carol = (await _app.GetTokenAsync(created.ApiKey)).AccessToken;
        secrets.AddRange([token, admin, carol, created.ApiKey]);

        // The browser's way in: a ticket in the WebSocket URL, then the JWT itself in the URL; and the official client.
        var ticket = (await (await client.PostAsync("/api/auth/ticket", null)).Content.ReadFromJsonAsync<TicketResponse>())!.Ticket;
        secrets.Add(ticket);
        using var viaTicket = await ConnectWithQueryAsync(ticket);
        using var viaJwt = await ConnectWithQueryAsync(token);
        Assert.NotNull(viaTicket);
        Assert.NotNull(viaJwt);
        Assert.Null(await ConnectWithQueryAsync(ticket)); // used twice
        await using var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(carol));
        await hub.StartAsync().DefaultTimeout();
        await hub.InvokeAsync<object>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync<object>(nameof(ITickerHub.Subscribe), new[] { "ETH-USD" }).DefaultTimeout());
        _app.Tick();

        // Revocation, then the revoked token tried again in the header and in the URL.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/auth/token")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await adminClient.DeleteAsync($"/api/admin/keys/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Null(await ConnectWithQueryAsync(token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/symbols?access_token={Uri.EscapeDataString(carol)}")).StatusCode);

        var records = _app.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(records, r => r.Level == LogLevel.Trace);
        // The request log saw the hub's URLs, which carried the ticket and the token in their query.
        Assert.Contains(records, r => r.Category == RequestLogCategory && r.Message.Contains(HubPaths.Ticker, StringComparison.Ordinal));
        var leaks = (
            from record in records
            let text = Describe(record)
            from secret in secrets.SelectMany(Fragments)
            where text.Contains(secret, StringComparison.Ordinal)
            select $"{record.Level} {record.Category}: {text}").Distinct().ToList();
        Assert.True(leaks.Count == 0, $"{records.Count} records; secrets in:\n{string.Join("\n", leaks.Take(10))}");
    }

    private const string RequestLogCategory = "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware";

    /// <summary>The whole secret, and for a JWT its signature and payload, which are credentials on their own.</summary>
    private static IEnumerable<string> Fragments(string secret) =>
        secret.Split('.') is { Length: 3 } parts ? [secret, parts[1], parts[2]] : [secret];

    private static string Describe(FakeLogRecord record) =>
        string.Join(" | ", [record.Message, record.Exception?.ToString() ?? "", .. (record.StructuredState ?? []).Select(kv => $"{kv.Key}={kv.Value}")]);

    private async Task<ClientWebSocket?> ConnectWithQueryAsync(string credential)
    {
        var url = new UriBuilder(new Uri(_app.BaseAddress, "hubs/ticker")) { Scheme = "ws", Query = $"access_token={Uri.EscapeDataString(credential)}" }.Uri;
        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(url, CancellationToken.None).DefaultTimeout();
        }
        catch (WebSocketException)
        {
            socket.Dispose();
            return null;
        }

        await socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, received.Count));
        return socket;
    }
}
