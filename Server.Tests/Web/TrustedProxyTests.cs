using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;

namespace SignalRTicker.Server.Tests.Web;

/// <summary>
/// <c>X-Forwarded-For</c> decides the client's address only when it comes from a configured proxy: then the token
/// record and the failed-authentication budget name the forwarded client; from anyone else it is ignored. The server
/// listens on 127.0.0.1, so its callers here are 127.0.0.1.
/// </summary>
public sealed class TrustedProxyTests
{
    private const string Client = "203.0.113.7";
    private const string OtherClient = "198.51.100.9";

    [Fact]
    public async Task ForwardedFor_FromAKnownProxy_IsTheClientAddress_ForTokenRecordsAndTheFailedAuthBudget()
    {
        await using var app = App(("ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // A client's own X-Forwarded-For is kept by the proxy on the left: only the entry the proxy added counts.
        await AssertTokenAsync(http, $"10.9.9.9, {Client}");
        Assert.Equal([Client], await RecordedClientIpsAsync(app));

        await SpendFailedAuthBudgetAsync(http, Client);
        Assert.Equal(HttpStatusCode.TooManyRequests, await ExchangeAsync(http, "stk_another_guess", Client));
        Assert.Equal(HttpStatusCode.Unauthorized, await ExchangeAsync(http, "stk_another_guess", OtherClient));
    }

    [Fact]
    public async Task ForwardedFor_FromAnAddressNotConfigured_IsIgnored()
    {
        await using var app = App();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        await AssertTokenAsync(http, Client);
        Assert.Equal(["127.0.0.1"], await RecordedClientIpsAsync(app));

        await SpendFailedAuthBudgetAsync(http, Client);
        Assert.Equal(HttpStatusCode.TooManyRequests, await ExchangeAsync(http, "stk_another_guess", OtherClient));
    }

    [Fact]
    public async Task ForwardedFor_FromAProxyOutsideTheKnownNetworks_IsIgnored()
    {
        await using var app = App(("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/8"));
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        await AssertTokenAsync(http, Client);

        Assert.Equal(["127.0.0.1"], await RecordedClientIpsAsync(app));
    }

    private static TickerAppFactory App(params (string Key, string Value)[] settings)
    {
        var app = new TickerAppFactory(kestrel: true);
        app.Settings["RateLimits:FailedAuthPerMinute"] = "2";
        foreach (var (key, value) in settings)
        {
            app.Settings[key] = value;
        }

        return app;
    }

    private static async Task AssertTokenAsync(HttpClient http, string forwardedFor) =>
        Assert.Equal(HttpStatusCode.OK, await ExchangeAsync(http, TickerAppFactory.DemoKey, forwardedFor));

    private static async Task SpendFailedAuthBudgetAsync(HttpClient http, string forwardedFor)
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await ExchangeAsync(http, "stk_wrong_secret_value", forwardedFor));
        }
    }

    private static async Task<HttpStatusCode> ExchangeAsync(HttpClient http, string apiKey, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { apiKey }) };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await http.SendAsync(request).DefaultTimeout();
        return response.StatusCode;
    }

    private static async Task<List<string?>> RecordedClientIpsAsync(TickerAppFactory app)
    {
        await using var db = new SqliteConnection($"Data Source={app.DatabaseFile};Pooling=False");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = "SELECT ClientIp FROM Tokens";
        var ips = new List<string?>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ips.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }

        return ips;
    }
}
