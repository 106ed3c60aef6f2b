using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;

namespace SignalRTicker.Server.Tests.Storage;

/// <summary>
/// The database on PostgreSQL: nodes that start together migrate it once between them, its schema is what its own
/// migrations make, and timestamps are stored as UTC instants.
/// </summary>
public sealed class PostgresStorageTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private const int Nodes = 3;
    private readonly List<IHost> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        return Task.CompletedTask;
    }

    [ServerTheory(Needs.Postgres)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NodesStartingTogether_EachMigrate_OneAtATime_AndTheSchemaIsWhole(bool databaseExists)
    {
        var connectionString = databaseExists
            ? (await postgres.CreateDatabaseAsync().DefaultTimeout()).ConnectionString
            : postgres.ConnectionString($"test_{Guid.NewGuid():N}");
        var nodes = Enumerable.Range(0, Nodes).Select(_ => Node(connectionString)).ToList();

        // Built first, then started at once: the migrations, not the hosts' construction, are what overlap.
        var started = nodes.Select(node => Task.Run(() => node.Services.PrepareStorageAsync()));
        await Task.WhenAll(started).DefaultTimeout(TimeSpan.FromSeconds(30));

        await using var scope = nodes[0].Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<TickerDbContext>().Database;
        Assert.IsType<PostgresTickerDbContext>(scope.ServiceProvider.GetRequiredService<TickerDbContext>());
        Assert.Equal(database.GetMigrations(), await database.GetAppliedMigrationsAsync());
        Assert.NotEmpty(database.GetMigrations());
        await using var source = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(
            ["ApiKeys", "Instruments", "Tokens", "__EFMigrationsHistory"],
            await ListAsync<string>(source, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name COLLATE \"C\""));
        Assert.Equal(database.GetMigrations().Count(), await ScalarAsync<long>(source, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
    }

    [ServerFact(Needs.Postgres)]
    public async Task ServersStartingTogether_OnAnEmptyDatabase_SeedEachConfiguredKeyOnce_AndShareIt()
    {
        var created = await postgres.CreateDatabaseAsync().DefaultTimeout();
        var servers = Enumerable.Range(0, Nodes).Select(_ => new TickerAppFactory { PostgresConnectionString = created.ConnectionString }).ToList();
        try
        {
            await Task.WhenAll(servers.Select(server => Task.Run(() => server.Services))).DefaultTimeout(TimeSpan.FromSeconds(30));

            await using var source = NpgsqlDataSource.Create(created.ConnectionString);
            Assert.Equal(
                ["admin (Auth:AdminApiKey)", "demo (Auth:DemoApiKey)"],
                await ListAsync<string>(source, "SELECT \"Name\" FROM \"ApiKeys\" ORDER BY \"Name\""));
            var key = await servers[0].CreateKeyAsync("user", "BTC-USD");
            Assert.Equal(["BTC-USD"], (await servers[^1].GetTokenAsync(key)).Symbols);
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    [ServerFact(Needs.Postgres)]
    public async Task Timestamps_AreTimestamptz_AndStoredAsTheSameInstantInUtc()
    {
        var created = await postgres.CreateDatabaseAsync().DefaultTimeout();
        var node = Node(created.ConnectionString);
        await node.Services.PrepareStorageAsync().DefaultTimeout();
        var observed = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.FromHours(2));

        await using (var scope = node.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TickerDbContext>();
            db.Instruments.Add(new InstrumentRecord { Symbol = "ACME", Source = "published", LastTimestamp = observed, CreatedAt = observed });
            await db.SaveChangesAsync().DefaultTimeout();
        }

        await using var source = NpgsqlDataSource.Create(created.ConnectionString);
        Assert.Equal(
            ["timestamp with time zone"],
            await ListAsync<string>(source, """
                SELECT DISTINCT data_type::text FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> '__EFMigrationsHistory'
                  AND (column_name LIKE '%At' OR column_name = 'LastTimestamp')
                """));
        Assert.Equal("2026-11-30 10:00:00", await ScalarAsync<string>(source,
            "SELECT to_char(\"LastTimestamp\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM \"Instruments\""));
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TickerDbContext>();
            var later = await db.Instruments.AsNoTracking()
                .Where(i => i.LastTimestamp > observed.AddSeconds(-1) && i.LastTimestamp < observed.AddSeconds(1))
                .SingleAsync().DefaultTimeout();
            Assert.Equal((observed, TimeSpan.Zero), (later.LastTimestamp!.Value, later.LastTimestamp.Value.Offset));
        }
    }

    [ServerFact(Needs.Postgres)]
    public async Task KeysCommand_AsAProcess_ManagesKeysOnPostgres()
    {
        var created = await postgres.CreateDatabaseAsync().DefaultTimeout();
        var folder = Directory.CreateTempSubdirectory("ticker-keys-");
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Ticker"] = created.ConnectionString,
                ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            };
            await using (var create = Startup.ServerProcess.Start(folder.FullName, "Production", settings, "keys", "create", "--name", "ops", "--role", "admin", "--symbols", "*"))
            {
                var exitCode = await create.ExitCodeAsync(TimeSpan.FromSeconds(30));
                Assert.True(exitCode == 0, $"exit code {exitCode}: {string.Join('\n', create.Stderr)}");
                Assert.Contains(create.Stdout, line => line.StartsWith("API key (shown once): stk_", StringComparison.Ordinal));
            }

            await using var list = Startup.ServerProcess.Start(folder.FullName, "Production", settings, "keys", "list");
            Assert.Equal(0, await list.ExitCodeAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(list.Stdout, line => line.Contains("admin      active   ops  [*]", StringComparison.Ordinal));

            // Written where the command said: this server's database, and no SQLite file beside it.
            await using var source = NpgsqlDataSource.Create(created.ConnectionString);
            Assert.Equal(["ops"], await ListAsync<string>(source, "SELECT \"Name\" FROM \"ApiKeys\""));
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder.FullName));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Model_IsWhatItsPostgresMigrationsMake_WhichAreASetOfTheirOwn()
    {
        // No server needed: the model is compared with the migrations' snapshot, not with a database.
        using var postgresModel = new PostgresTickerDbContext(new DbContextOptionsBuilder<PostgresTickerDbContext>().UseNpgsql("Host=127.0.0.1").Options);
        using var sqliteModel = new SqliteTickerDbContext(new DbContextOptionsBuilder<SqliteTickerDbContext>().UseSqlite("Data Source=unused.db").Options);

        Assert.False(postgresModel.Database.HasPendingModelChanges());
        Assert.NotEmpty(postgresModel.Database.GetMigrations());
        Assert.Empty(postgresModel.Database.GetMigrations().Intersect(sqliteModel.Database.GetMigrations()));
    }

    /// <summary>A node's storage, as Program sets it up, on this PostgreSQL database; not started.</summary>
    private IHost Node(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Ticker"] = connectionString,
        });
        builder.AddStorage();
        var node = builder.Build();
        _nodes.Add(node);
        return node;
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync().DefaultTimeout();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetFieldValue<T>(0));
        }

        return rows;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync().DefaultTimeout())!;
    }
}
