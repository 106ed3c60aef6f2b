using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.Tests.Auth;

public sealed class TokenEndpointTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Token_GoodKey_ReturnsSignedJwtWithDocumentedClaims()
    {
        var token = await _app.GetTokenAsync();

        Assert.Equal("Bearer", token.TokenType);
        Assert.Equal(3600, token.ExpiresIn);
        Assert.Equal("user", token.Role);
        Assert.Equal(["*"], token.Symbols);

        var jwt = new JsonWebToken(token.AccessToken);
        Assert.Equal("HS256", jwt.Alg);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));
        Assert.Equal(token.UserId, jwt.Subject);
        Assert.Equal("signalr-ticker", jwt.Issuer);
        Assert.Equal(["signalr-ticker"], jwt.Audiences);
        Assert.Equal("user", jwt.GetClaim("role").Value);
        Assert.Equal("*", jwt.GetClaim("symbols").Value);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.False(string.IsNullOrEmpty(jwt.GetClaim("name").Value));
        Assert.Equal(TimeSpan.FromHours(1), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(_app.Time!.GetUtcNow().ToUnixTimeSeconds(), new DateTimeOffset(jwt.IssuedAt).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Token_UnknownAndRevokedKeys_GetTheSameProblem()
    {
        var (id, revoked) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        await _app.GetTokenAsync(revoked);
        await _app.RevokeKeyAsync(id);

        using var client = _app.CreateClient();
        var unknown = await ProblemAsync(await client.PostAsJsonAsync("/api/auth/token", new { apiKey = "stk_not_a_real_key" }));
        var gone = await ProblemAsync(await client.PostAsJsonAsync("/api/auth/token", new { apiKey = revoked }));

        Assert.Equal(401, unknown.GetProperty("status").GetInt32());
        Assert.Equal(unknown.GetProperty("title").GetString(), gone.GetProperty("title").GetString());
        Assert.Equal(unknown.GetProperty("detail").GetString(), gone.GetProperty("detail").GetString());
        Assert.Contains("revoked", unknown.GetProperty("detail").GetString());
    }

    public static TheoryData<string, string, int> BadBodies => new()
    {
        { "empty body", "", 400 },
        { "empty object", "{}", 400 },
        { "null key", "{\"apiKey\":null}", 400 },
        { "number key", "{\"apiKey\":5}", 400 },
        { "array key", "{\"apiKey\":[\"a\"]}", 400 },
        { "array body", "[]", 400 },
        { "not json", "apiKey=abc", 400 },
        { "truncated json", "{\"apiKey\":\"abc", 400 },
        { "1 MB key", "{\"apiKey\":\"" + new string('k', 1024 * 1024) + "\"}", 400 },
        { "lone surrogate", "{\"apiKey\":\"\\ud800\"}", 400 },
        { "unicode junk", "{\"apiKey\":\"\\u0000\\u202e💥ÿ\\u200b\"}", 401 },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Token_BadBody_IsAClearProblem(string because, string body, int status)
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/api/auth/token", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True((int)response.StatusCode == status, $"{because}: expected {status}, got {(int)response.StatusCode}");
        var problem = await ProblemAsync(response);
        Assert.True(problem.TryGetProperty("detail", out _) || problem.TryGetProperty("errors", out _), because);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"apiKey\":\"\"}")]
    [InlineData("{\"apiKey\":null}")]
    public async Task Token_NoKey_IsAValidationProblemWhoseDetailSaysWhatToSend(string body)
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/api/auth/token", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty("apiKey", out _), problem.ToString());
        var detail = problem.GetProperty("detail").GetString();
        Assert.StartsWith("apiKey: ", detail);
        Assert.Contains("{\"apiKey\": ", detail);
    }

    [Fact]
    public async Task PublisherKey_MaySubscribe()
    {
        var key = await _app.CreateKeyAsync("publisher", "BTC-USD");
        var token = await _app.GetTokenAsync(key);
        using var client = _app.CreateClient(token.AccessToken);

        var (hub, _) = await _app.ConnectAsync(key);
        await using var _hub = hub;
        var subscribed = await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        Assert.Equal("publisher", token.Role);
        Assert.Equal("BTC-USD", Assert.Single(subscribed).Symbol);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/admin/keys")).StatusCode);
    }

    [Fact]
    public async Task Token_WrongContentType_Is415Problem()
    {
        using var client = _app.CreateClient();
        using var response = await client.PostAsync("/api/auth/token", new StringContent("{\"apiKey\":\"x\"}", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (await ProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Token_RecordsLastUsedAt()
    {
        await _app.GetTokenAsync();

        await using var db = OpenDatabase();
        await db.OpenAsync();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT LastUsedAt FROM ApiKeys WHERE Role = 'user'";
        Assert.NotEqual(DBNull.Value, await query.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Keys_AreStoredOnlyAsHashes()
    {
        var secret = await _app.CreateKeyAsync("user", "BTC-USD");

        var dump = new StringBuilder();
        await using (var db = OpenDatabase())
        {
            await db.OpenAsync();
            using var query = db.CreateCommand();
            query.CommandText = "SELECT * FROM ApiKeys";
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    dump.Append(reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) + Encoding.UTF8.GetString(bytes) : reader.GetValue(i)).Append('|');
                }
            }
        }

        var text = dump.ToString();
        Assert.DoesNotContain(secret, text);
        Assert.DoesNotContain(TickerAppFactory.DemoKey, text);
        Assert.DoesNotContain(TickerAppFactory.AdminKey, text);
        Assert.Contains(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(secret))), text);
        Assert.StartsWith("stk_", secret);
        Assert.True(secret.Length >= 4 + 43, "a generated key carries 256 bits");

        // The file itself never holds a secret either (SQLite pages, not just rows).
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytesOnDisk = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(_app.DatabaseFile));
        Assert.DoesNotContain(secret, bytesOnDisk);
    }

    [Fact]
    public async Task Me_ReturnsTheCallersIdentity()
    {
        var token = await _app.GetTokenAsync();
        using var client = _app.CreateClient(token.AccessToken);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");

        Assert.Equal(token.UserId, me.GetProperty("userId").GetString());
        Assert.Equal("user", me.GetProperty("role").GetString());
        Assert.Equal("*", me.GetProperty("symbols")[0].GetString());
        Assert.True(me.GetProperty("expiresAt").GetDateTimeOffset() > _app.Time!.GetUtcNow());
        Assert.False(string.IsNullOrEmpty(me.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Me_WithoutToken_Is401WithChallengeAndProblem()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/api/auth/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("/api/auth/token", (await ProblemAsync(response)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task QueryToken_OnApiPaths_IsIgnored()
    {
        var token = await _app.GetTokenAsync();
        using var client = _app.CreateClient();

        using var response = await client.GetAsync($"/api/symbols?access_token={token.AccessToken}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Symbols_ListsOnlyEntitledSymbolsWithPrices()
    {
        var key = await _app.CreateKeyAsync("user", "BTC-USD", "ETH-USD");
        var token = await _app.GetTokenAsync(key);
        using var client = _app.CreateClient(token.AccessToken);

        var symbols = await client.GetFromJsonAsync<JsonElement[]>("/api/symbols");

        Assert.Equal(["BTC-USD", "ETH-USD"], symbols!.Select(s => s.GetProperty("symbol").GetString()));
        Assert.All(symbols!, s => Assert.True(s.GetProperty("price").GetDecimal() > 0));
    }

    [Fact]
    public async Task Healthz_IsHealthy()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    private SqliteConnection OpenDatabase() => new($"Data Source={_app.DatabaseFile};Pooling=False");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
