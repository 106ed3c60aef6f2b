using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Cluster;
using SignalRTicker.Server.Tests.Fixtures;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>
/// Nodes of one cluster on loopback ports: real hosts sharing a private Redis and a database on a private PostgreSQL
/// (both started here), and one signing key, as a deployment's nodes would.
/// </summary>
public sealed class ClusterNodes : IAsyncLifetime
{
    private readonly string _folder = TickerAppFactory.NewDataFolder();
    private readonly string _signingKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly List<TickerAppFactory> _nodes = [];

    private PostgresDatabase? _database;

    public RedisServer Redis { get; } = new();

    public PostgresServer Postgres { get; } = new();

    public IReadOnlyList<TickerAppFactory> Nodes => _nodes;

    /// <summary>Settings every node of this cluster shares, for a node started as a process of its own.</summary>
    public Dictionary<string, string?> SharedSettings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = Redis.ConnectionString,
            [ClusterExtensions.DatabaseProviderKey] = ClusterExtensions.SharedDatabaseProvider,
            ["ConnectionStrings:Ticker"] = (_database ?? throw ServerPrograms.NotRunning(Needs.Postgres)).ConnectionString,
            ["Auth:SigningKey"] = _signingKey,
            ["Auth:DemoApiKey"] = TickerAppFactory.DemoKey,
            ["Auth:AdminApiKey"] = TickerAppFactory.AdminKey,
            ["RateLimits:TokenPerMinute"] = "100000",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Starts one more node.</summary>
    public TickerAppFactory Start(Dictionary<string, string?>? settings = null)
    {
        var node = new TickerAppFactory(fakeTime: false, kestrel: true, dataFolder: _folder) { SigningKey = _signingKey, KeepData = true };
        foreach (var (key, value) in SharedSettings(settings))
        {
            node.Settings[key] = value;
        }

        _ = node.BaseAddress; // starts it
        _nodes.Add(node);
        return node;
    }

    public static string NodeId(TickerAppFactory node) => node.Services.GetRequiredService<ClusterNode>().Id;

    public async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        await Postgres.InitializeAsync();
        if (ServerPrograms.IsInstalled(Needs.Postgres))
        {
            _database = await Postgres.CreateDatabaseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }

        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

/// <summary>What the cluster tests do on a node through its real endpoints.</summary>
public static class ClusterNodeCalls
{
    public static async Task<HttpClient> ClientAsync(this TickerAppFactory node, string apiKey = TickerAppFactory.AdminKey) =>
        node.CreateClient((await node.GetTokenAsync(apiKey)).AccessToken);

    /// <summary>A WebSocket hub connection to the node with this token, recording quotes; started.</summary>
    public static async Task<(HubConnection Connection, QuoteRecorder Quotes)> ConnectWithAsync(this TickerAppFactory node, string accessToken)
    {
        var connection = node.CreateHubConnection(() => Task.FromResult<string?>(accessToken));
        var quotes = new QuoteRecorder(connection);
        await connection.StartAsync().DefaultTimeout();
        return (connection, quotes);
    }

    public static async Task<string> CreateKeyAsync(this HttpClient admin, string role, params string[] symbols)
    {
        using var response = await admin.PostAsJsonAsync("/api/admin/keys", new { name = $"cluster {role}", role, symbols }).DefaultTimeout();
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedKeyResponse>().DefaultTimeout())!.ApiKey;
    }
}
