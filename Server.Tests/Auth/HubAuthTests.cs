using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Auth;

/// <summary>Who gets into the hub: only holders of a token this server signed, for this audience, still in date.</summary>
public sealed class HubAuthTests : IAsyncLifetime
{
    // 512 bits, so an HS512 signature with the server's own key is possible and only the algorithm check refuses it.
    private readonly TickerAppFactory _app = new() { SigningKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Negotiate_WithoutToken_Is401()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/hubs/ticker/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Connect_WithBearerHeader_Works()
    {
        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;

        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    public static TheoryData<string> BadTokens => ["tampered", "expired", "wrong audience", "wrong issuer", "other key", "HS512", "unsigned", "garbage"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Connect_WithBadToken_IsRefused(string kind)
    {
        var token = await BadTokenAsync(kind);
        await using var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(token));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Connect_TokenExpiresWithinClockSkew_IsStillAccepted_ThenRefused()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        _app.Time!.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(3));
        await using (var inSkew = _app.CreateHubConnection(() => Task.FromResult<string?>(token)))
        {
            await inSkew.StartAsync().DefaultTimeout();
        }

        _app.Time.Advance(TimeSpan.FromSeconds(3));
        await using var late = _app.CreateHubConnection(() => Task.FromResult<string?>(token));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => late.StartAsync().DefaultTimeout());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private async Task<string> BadTokenAsync(string kind)
    {
        var good = (await _app.GetTokenAsync()).AccessToken;
        var now = _app.Time!.GetUtcNow().UtcDateTime;
        var key = new SymmetricSecurityKey(Convert.FromBase64String(_app.SigningKey!));
        string Forge(string issuer = "signalr-ticker", string audience = "signalr-ticker", DateTime? expires = null,
            SecurityKey? signingKey = null, string algorithm = SecurityAlgorithms.HmacSha256) =>
            new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = audience,
                IssuedAt = now.AddHours(-2),
                NotBefore = now.AddHours(-2),
                Expires = expires ?? now.AddHours(1),
                SigningCredentials = new SigningCredentials(signingKey ?? key, algorithm),
                Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["role"] = "user", ["symbols"] = new[] { "*" } },
            });

        return kind switch
        {
            "tampered" => good[..^3] + (good[^3] == 'A' ? "B" : "A") + good[^2..],
            "expired" => Forge(expires: now.AddMinutes(-1)),
            "wrong audience" => Forge(audience: "someone-else"),
            "wrong issuer" => Forge(issuer: "someone-else"),
            "other key" => Forge(signingKey: new SymmetricSecurityKey(new byte[32])),
            "HS512" => SignWithSameKeyAsHs512(good),
            "unsigned" => Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + good.Split('.')[1] + ".",
            _ => "not-a-jwt",
        };
    }

    /// <summary>A good token re-signed with the server's own key but HS512: only HS256 is accepted.</summary>
    private string SignWithSameKeyAsHs512(string good)
    {
        var header = Base64UrlEncoder.Encode($"{{\"alg\":\"HS512\",\"kid\":\"{new JsonWebToken(good).Kid}\",\"typ\":\"JWT\"}}");
        var signingInput = header + "." + good.Split('.')[1];
        var signature = System.Security.Cryptography.HMACSHA512.HashData(Convert.FromBase64String(_app.SigningKey!), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }
}

/// <summary>The browser's path: the token in the <c>access_token</c> query over real WebSockets on Kestrel.</summary>
public sealed class HubQueryTokenTests : IAsyncLifetime
{
    private readonly ConnectionTracker _tracker = new();
    private readonly TickerAppFactory _app;

    public HubQueryTokenTests()
    {
        _app = new TickerAppFactory(fakeTime: false, kestrel: true)
        {
            TestServices = _tracker.Register,
        };
        _app.Settings["Ticker:IntervalMs"] = "20";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task QueryToken_OverRealWebSockets_ReceivesOnlySubscribedQuotesWithoutGaps()
    {
        await using var hub = await QueryTokenConnectionAsync();
        var quotes = new QuoteRecorder(hub);
        await hub.StartAsync().DefaultTimeout();

        var snapshot = await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "ETH-USD" }).DefaultTimeout();
        var received = new List<Quote>();
        for (var i = 0; i < 25; i++)
        {
            received.Add(await quotes.NextAsync());
        }

        Assert.All(received, q => Assert.Equal("ETH-USD", q.Symbol));
        // The snapshot may repeat the sequence of the first pushed quote; after it, each quote is exactly one on.
        Assert.InRange(received[0].Sequence, snapshot[0].Sequence, snapshot[0].Sequence + 1);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => received[0].Sequence + i), received.Select(q => q.Sequence));
    }

    [Fact]
    public async Task QueryToken_Connection_KeepsOnlyTheClaimsTheServerReads_AndNotTheToken()
    {
        var (hub, caller) = await OpenQueryTokenConnectionAsync();
        await using var _ = hub;

        var user = caller.User!;
        Assert.Equal(["exp", "jti", "name", "role", "sub", "symbols"], user.Claims.Select(c => c.Type).Order());
        Assert.True(user.Identity!.IsAuthenticated);
        Assert.False(string.IsNullOrEmpty(user.Identity.Name));
        Assert.True(user.IsInRole(Roles.User) || user.IsInRole(Roles.Admin));
        // Neither the parsed token nor the token string stays with the connection.
        Assert.DoesNotContain(user.Identities, identity => identity is CaseSensitiveClaimsIdentity { SecurityToken: not null });
        Assert.Null(await caller.GetHttpContext()!.GetTokenAsync("access_token"));
    }

    [Fact]
    public async Task QueryToken_Connection_ForgetsTheTokenInItsUrl_AndKeepsTheRest()
    {
        var (hub, caller) = await OpenQueryTokenConnectionAsync();
        await using var _ = hub;

        var request = caller.GetHttpContext()!.Request;
        Assert.False(request.Query.ContainsKey("access_token"));
        Assert.DoesNotContain("access_token", request.QueryString.Value ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("access_token", request.HttpContext.Features.Get<IHttpRequestFeature>()!.RawTarget, StringComparison.OrdinalIgnoreCase);
        // SignalR's connection id (the client negotiated first) is still there, and the connection works.
        Assert.False(string.IsNullOrEmpty(request.Query["id"]));
        var subscribed = await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        Assert.Equal("BTC-USD", Assert.Single(subscribed).Symbol);
    }

    /// <summary>A started query-token connection, and the server's side of it once the hub has seen it.</summary>
    private async Task<(HubConnection Hub, HubCallerContext Caller)> OpenQueryTokenConnectionAsync()
    {
        var hub = await QueryTokenConnectionAsync();
        await hub.StartAsync().DefaultTimeout();
        await TaskTimeoutExtensions.WaitUntilAsync(() => _tracker.Open.Count == 1);
        return (hub, _tracker.Open.Single());
    }

    /// <summary>A browser's connection: the token in the query, WebSockets only, on Kestrel.</summary>
    private async Task<HubConnection> QueryTokenConnectionAsync()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        var url = new Uri(_app.BaseAddress, $"hubs/ticker?access_token={Uri.EscapeDataString(token)}");
        return new HubConnectionBuilder()
            .WithUrl(url, options => options.Transports = HttpTransportType.WebSockets)
            .Build();
    }

    [Fact]
    public async Task QueryToken_WebSocketWithoutNegotiate_IsAcceptedOnlyWithAValidToken()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        var ws = new Uri(_app.BaseAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "hubs/ticker");

        using (var bad = new System.Net.WebSockets.ClientWebSocket())
        {
            var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() =>
                bad.ConnectAsync(new Uri(ws + "?access_token=not-a-token"), CancellationToken.None).DefaultTimeout());
            Assert.Contains("401", refused.Message);
        }

        using var good = new System.Net.WebSockets.ClientWebSocket();
        await good.ConnectAsync(new Uri(ws + "?access_token=" + Uri.EscapeDataString(token)), CancellationToken.None).DefaultTimeout();
        await good.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        var buffer = new byte[256];
        var handshake = await good.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        Assert.Equal("{}\u001e", Encoding.UTF8.GetString(buffer, 0, handshake.Count));
    }
}
