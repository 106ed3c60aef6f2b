using System.Net;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// Browsers load module scripts with CORS, so the client module and the SignalR build it imports carry
/// Access-Control-Allow-Origin for the origins in Cors:AllowedOrigins, and for no other.
/// </summary>
public sealed class ClientModuleCorsTests : IAsyncLifetime
{
    private const string Allowed = "https://dashboard.example.com";
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync()
    {
        _app.Settings["Cors:AllowedOrigins:0"] = Allowed;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/lib/ticker-client.js")]
    [InlineData("/lib/ticker-client/connection.js")]
    [InlineData("/lib/signalr/signalr.min.js")]
    [InlineData("/lib/signalr/signalr-protocol-msgpack.min.js")]
    public async Task ModuleFiles_AllowListedOriginsOnly(string path)
    {
        using var client = _app.CreateClient();

        using var allowed = await GetFromAsync(client, path, Allowed);
        using var other = await GetFromAsync(client, path, "https://other.example.com");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(Allowed, Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("javascript", allowed.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        // Both answers say they depend on the Origin, so no cache hands one origin's copy to another.
        Assert.Contains("Origin", allowed.Headers.Vary);
        Assert.Contains("Origin", other.Headers.Vary);
    }

    private static async Task<HttpResponseMessage> GetFromAsync(HttpClient client, string path, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", origin);
        return await client.SendAsync(request).DefaultTimeout();
    }
}
