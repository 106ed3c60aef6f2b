using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Storage;

namespace SignalRTicker.Server.Tests.Admin;

/// <summary>The admin key API: create (shown once), list and get (never the key), revoke; for admins only.</summary>
public sealed class KeyAdminTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Runs this test's app on <paramref name="provider"/> (it has not started yet).</summary>
    private async Task UseAsync(DatabaseProvider provider)
    {
        if (await postgres.CreateDatabaseAsync(provider) is { } database)
        {
            await _app.DisposeAsync();
            _app = new TickerAppFactory { PostgresConnectionString = database };
        }
    }

    private async Task<HttpClient> AdminClientAsync() =>
        _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);

    [Fact]
    public async Task Create_ReturnsKeyOnce_AndTheKeyWorks()
    {
        using var admin = await AdminClientAsync();

        using var response = await admin.PostAsJsonAsync("/api/admin/keys", new { name = "alice", role = "user", symbols = new[] { "btc-usd" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<CreatedKeyResponse>())!;
        Assert.Equal("alice", created.Name);
        Assert.Equal(["BTC-USD"], created.Symbols);
        Assert.StartsWith("stk_", created.ApiKey);
        Assert.Equal($"/api/admin/keys/{created.Id}", response.Headers.Location?.OriginalString);
        var token = await _app.GetTokenAsync(created.ApiKey);
        Assert.Equal(created.Id.ToString(), token.UserId);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task List_ShowsKeysButNeverTheSecretOrHash(DatabaseProvider provider)
    {
        await UseAsync(provider);
        using var admin = await AdminClientAsync();
        using var create = await admin.PostAsJsonAsync("/api/admin/keys", new { name = "bob", role = "admin", symbols = new[] { "*" } });
        var created = (await create.Content.ReadFromJsonAsync<CreatedKeyResponse>())!;

        var body = await admin.GetStringAsync("/api/admin/keys");

        Assert.DoesNotContain(created.ApiKey, body);
        Assert.DoesNotContain(TickerAppFactory.AdminKey, body);
        Assert.DoesNotContain("hash", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"apiKey\"", body, StringComparison.OrdinalIgnoreCase);
        var keys = JsonDocument.Parse(body).RootElement.EnumerateArray().ToList();
        var bob = Assert.Single(keys, k => k.GetProperty("id").GetGuid() == created.Id);
        Assert.Equal("bob", bob.GetProperty("name").GetString());
        Assert.False(bob.GetProperty("revoked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, bob.GetProperty("lastUsedAt").ValueKind);
        Assert.Contains(keys, k => k.GetProperty("lastUsedAt").ValueKind == JsonValueKind.String); // the admin key got a token
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Revoke_StopsTheKey_ThenIs404(DatabaseProvider provider)
    {
        await UseAsync(provider);
        var (id, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        using var admin = await AdminClientAsync();

        using var revoked = await admin.DeleteAsync($"/api/admin/keys/{id}");
        using var again = await admin.DeleteAsync($"/api/admin/keys/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        using var client = _app.CreateClient();
        using var token = await client.PostAsJsonAsync("/api/auth/token", new { apiKey = secret });
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        var list = await admin.GetFromJsonAsync<KeySummary[]>("/api/admin/keys");
        Assert.True(Assert.Single(list!, k => k.Id == id).Revoked);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Tokens_ShowWhoGotThem_AndWhichAreRevoked_NeverTheTokenItself(DatabaseProvider provider)
    {
        await UseAsync(provider);
        var (id, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        using var anonymous = _app.CreateClient();
        anonymous.DefaultRequestHeaders.UserAgent.ParseAdd("ticker-test/1.0");
        var first = (await (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = secret })).Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        var second = (await _app.GetTokenAsync(secret)).AccessToken;
        using (var owner = _app.CreateClient(first))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync("/api/auth/token")).StatusCode);
        }

        using var admin = await AdminClientAsync();
        var body = await admin.GetStringAsync($"/api/admin/keys/{id}/tokens");
        var tokens = JsonSerializer.Deserialize<TokenSummary[]>(body, JsonSerializerOptions.Web)!;

        Assert.Equal(2, tokens.Length);
        var revoked = Assert.Single(tokens, t => t.Revoked);
        Assert.Equal(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(first).Id, revoked.Id);
        Assert.Equal("ticker-test/1.0", revoked.UserAgent);
        Assert.Equal(TimeSpan.FromHours(1), revoked.ExpiresAt - revoked.IssuedAt);
        Assert.DoesNotContain(first.Split('.')[2], body);
        Assert.DoesNotContain(second.Split('.')[2], body);
    }

    [Fact]
    public async Task UserToken_Is403_NoToken_Is401()
    {
        using var user = _app.CreateClient((await _app.GetTokenAsync()).AccessToken);
        using var anonymous = _app.CreateClient();

        using var forbidden = await user.GetAsync("/api/admin/keys");
        using var forbiddenPost = await user.PostAsJsonAsync("/api/admin/keys", new { name = "x", role = "admin", symbols = new[] { "*" } });
        using var unauthorized = await anonymous.GetAsync("/api/admin/keys");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenPost.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }

    public static TheoryData<string, string> BadCreates => new()
    {
        { """{"role":"user","symbols":["BTC-USD"]}""", "name" },
        { """{"name":"  ","role":"user","symbols":["BTC-USD"]}""", "name" },
        { """{"name":"x","role":"root","symbols":["BTC-USD"]}""", "role" },
        { """{"name":"x","role":null,"symbols":["BTC-USD"]}""", "role" },
        { """{"name":"x","role":"user"}""", "symbols" },
        { """{"name":"x","role":"user","symbols":[]}""", "symbols" },
        { """{"name":"x","role":"user","symbols":["BTC USD"]}""", "symbols" },
        { """{"name":"x","role":"user","symbols":["*","BTC-USD"]}""", "symbols" },
        { """{"name":"x","role":"user","symbols":[null]}""", "symbols" },
        { """{"name":"x","role":"user","symbols":["\u0000\uD83D\uDE00"]}""", "symbols" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Create_BadBody_IsValidationProblemNamingTheField(string json, string field)
    {
        using var admin = await AdminClientAsync();

        using var response = await admin.PostAsync("/api/admin/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        // The detail says what to fix on its own, for a reader who does not open errors.
        var detail = problem.GetProperty("detail").GetString();
        Assert.StartsWith($"{field}: ", detail);
        Assert.Contains(messages[0].GetString()!, detail);
    }

    [Theory]
    [InlineData("DOGE-USD")]
    [InlineData("btc-eur")]
    public async Task Create_SymbolThatIsNotAnInstrument_Is400NamingIt(string symbol)
    {
        using var admin = await AdminClientAsync();

        using var response = await admin.PostAsJsonAsync("/api/admin/keys", new { name = "x", role = "user", symbols = new[] { "BTC-USD", symbol } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(symbol.ToUpperInvariant(), problem.GetProperty("errors").GetProperty("symbols")[0].GetString());
        Assert.Contains(symbol.ToUpperInvariant(), problem.GetProperty("detail").GetString());
        Assert.DoesNotContain((await admin.GetFromJsonAsync<KeySummary[]>("/api/admin/keys"))!, k => k.Name == "x");
    }

    [Fact]
    public async Task Create_Location_AnswersWithTheKey()
    {
        using var admin = await AdminClientAsync();
        using var created = await admin.PostAsJsonAsync("/api/admin/keys", new { name = "dora", role = "publisher", symbols = new[] { "ETH-USD" } });
        var key = (await created.Content.ReadFromJsonAsync<CreatedKeyResponse>())!;

        var listed = await admin.GetFromJsonAsync<KeySummary>(created.Headers.Location);
        using var unknown = await admin.GetAsync($"/api/admin/keys/{Guid.NewGuid()}");

        Assert.Equal((key.Id, "dora", "publisher", "ETH-USD", false), (listed!.Id, listed.Name, listed.Role, Assert.Single(listed.Symbols), listed.Revoked));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain(key.ApiKey, await admin.GetStringAsync(created.Headers.Location));
    }

    /// <summary>method, path, content type (null: no body), the status an admin gets</summary>
    public static TheoryData<string, string, string?, int> AdminPaths => new()
    {
        { "GET", "/api/admin/keys", null, 200 },
        { "GET", "/api/admin/keys/not-a-guid", null, 404 },
        { "GET", "/api/admin/keys/not-a-guid/tokens", null, 404 },
        { "DELETE", "/api/admin/keys/not-a-guid", null, 404 },
        { "DELETE", "/api/admin/keys/%20", null, 404 },
        { "DELETE", "/api/admin/tokens/" + new string('x', 500), null, 404 },
        { "GET", "/api/admin/nothing/here", null, 404 },
        { "GET", "/api/admin", null, 404 },
        { "PUT", "/api/admin/keys", "application/json", 405 },
        { "POST", "/api/admin/keys", "text/plain", 415 },
    };

    [Theory]
    [MemberData(nameof(AdminPaths))]
    public async Task AnyAdminPath_WithoutTheAdminRole_Is403_WhateverIsInThePath(string method, string path, string? contentType, int adminStatus)
    {
        using var user = _app.CreateClient((await _app.GetTokenAsync()).AccessToken);
        using var admin = await AdminClientAsync();
        using var anonymous = _app.CreateClient();

        using var asUser = await user.SendAsync(Request(method, path, contentType));
        using var asAdmin = await admin.SendAsync(Request(method, path, contentType));
        using var asNobody = await anonymous.SendAsync(Request(method, path, contentType));

        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        Assert.Equal("application/problem+json", asUser.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, asNobody.StatusCode);
        Assert.Equal(adminStatus, (int)asAdmin.StatusCode);
    }

    private static HttpRequestMessage Request(string method, string path, string? contentType) =>
        new(new HttpMethod(method), path)
        {
            Content = contentType is null ? null : new StringContent("{}", System.Text.Encoding.UTF8, contentType),
        };
}
