using System.Net;
using System.Net.Http.Json;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Storage;

namespace SignalRTicker.Server.Tests.Keys;

/// <summary>The <c>keys</c> command: create (shown once), list (never the key), update, revoke, on the configured database.</summary>
public sealed class KeysCommandTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Command_CreatesListsUpdatesAndRevokes_OnTheConfiguredDatabase(DatabaseProvider provider)
    {
        await using var app = new TickerAppFactory { PostgresConnectionString = await postgres.CreateDatabaseAsync(provider) };
        var output = new StringWriter();
        var error = new StringWriter();

        var created = await KeysCommand.RunAsync(["create", "--name", "alice", "--role", "user", "--symbols", "BTC-USD,eth-usd"], app.Services, output, error, CancellationToken.None);

        Assert.Equal(0, created);
        var secret = output.ToString().Split("API key (shown once): ")[1].Trim();
        var token = await app.GetTokenAsync(secret);
        Assert.Equal(["BTC-USD", "ETH-USD"], token.Symbols);

        output.GetStringBuilder().Clear();
        Assert.Equal(0, await KeysCommand.RunAsync(["list"], app.Services, output, error, CancellationToken.None));
        Assert.Contains(token.UserId, output.ToString());
        Assert.Contains("alice", output.ToString());
        Assert.DoesNotContain(secret, output.ToString());

        Assert.Equal(0, await KeysCommand.RunAsync(["update", token.UserId, "--symbols", "SOL-USD", "--role", "publisher"], app.Services, output, error, CancellationToken.None));
        Assert.Contains("its tokens are revoked", output.ToString());
        output.GetStringBuilder().Clear();
        Assert.Equal(0, await KeysCommand.RunAsync(["list"], app.Services, output, error, CancellationToken.None));
        Assert.Contains($"{token.UserId}  publisher  active   alice  [SOL-USD]", output.ToString());

        Assert.Equal(0, await KeysCommand.RunAsync(["revoke", token.UserId], app.Services, output, error, CancellationToken.None));
        using var client = app.CreateClient();
        using var refused = await client.PostAsJsonAsync("/api/auth/token", new { apiKey = secret });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        Assert.Equal(1, await KeysCommand.RunAsync(["create", "--name", "x", "--role", "root"], app.Services, output, error, CancellationToken.None));
        Assert.Contains("--role", error.ToString());
        Assert.Contains("--symbols", error.ToString());
        Assert.Equal(2, await KeysCommand.RunAsync(["revoke", Guid.NewGuid().ToString()], app.Services, output, error, CancellationToken.None));
    }

    [Fact]
    public async Task Create_Publisher_GetsAPublisherToken()
    {
        Assert.Equal(0, await RunAsync("create", "--name", "feed", "--role", "publisher", "--symbols", "SOL-USD"));

        var token = await _app.GetTokenAsync(_output.ToString().Split("API key (shown once): ")[1].Trim());
        Assert.Equal("publisher", token.Role);
        Assert.Equal(["SOL-USD"], token.Symbols);
    }

    [Fact]
    public async Task Create_SymbolThatIsNotAnInstrument_IsRefusedNamingIt()
    {
        Assert.Equal(1, await RunAsync("create", "--name", "x", "--role", "user", "--symbols", "BTC-USD,NOPE-USD"));

        Assert.Contains("--symbols", _error.ToString());
        Assert.Contains("NOPE-USD", _error.ToString());
        Assert.Equal("", _output.ToString());
    }

    [Fact]
    public async Task Help_ListsTheVerbsAndTheRoles()
    {
        Assert.Equal(0, await RunAsync("--help"));
        Assert.Equal(0, await RunAsync("create", "--help"));

        var help = _output.ToString();
        foreach (var text in new[] { "create", "list", "revoke", "--name", "--role", "--symbols", "user|publisher|admin" })
        {
            Assert.Contains(text, help);
        }
    }

    [Fact]
    public async Task Revoke_NotAnId_IsABadArgument()
    {
        Assert.Equal(1, await RunAsync("revoke", "not-an-id"));
        Assert.Contains("not-an-id", _error.ToString());
    }

    private Task<int> RunAsync(params string[] args) =>
        KeysCommand.RunAsync(args, _app.Services, _output, _error, CancellationToken.None).DefaultTimeout();
}
