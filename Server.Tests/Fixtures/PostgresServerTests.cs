using Npgsql;

namespace SignalRTicker.Server.Tests.Fixtures;

public sealed class PostgresServerTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [ServerFact(Needs.Postgres)]
    public async Task FreshDatabases_AreIndependent()
    {
        var first = await postgres.CreateDatabaseAsync().DefaultTimeout();
        var second = await postgres.CreateDatabaseAsync().DefaultTimeout();
        Assert.NotEqual(first.Name, second.Name);

        await using (var database = NpgsqlDataSource.Create(first.ConnectionString))
        {
            await ExecuteAsync(database, "CREATE TABLE quotes (symbol text PRIMARY KEY, price numeric NOT NULL)");
            await ExecuteAsync(database, "INSERT INTO quotes VALUES ('BTC-USD', 42.5)");
            Assert.Equal(42.5m, await ScalarAsync(database, "SELECT price FROM quotes WHERE symbol = 'BTC-USD'"));
        }

        await using (var database = NpgsqlDataSource.Create(second.ConnectionString))
        {
            Assert.Equal(second.Name, await ScalarAsync(database, "SELECT current_database()"));
            Assert.Equal(true, await ScalarAsync(database, "SELECT to_regclass('quotes') IS NULL"));
        }
    }

    [ServerFact(Needs.Postgres)]
    public async Task Kill_RefusesConnections_AndRestartOnTheSamePortKeepsCommittedData()
    {
        await using var own = await PostgresServer.StartAsync().DefaultTimeout();
        var created = await own.CreateDatabaseAsync().DefaultTimeout();
        await using (var database = NpgsqlDataSource.Create(created.ConnectionString))
        {
            await ExecuteAsync(database, "CREATE TABLE quotes AS SELECT 'BTC-USD' AS symbol, 42.5 AS price");
        }

        var port = own.Port;
        var killed = own.ProcessId;
        await own.KillAsync().DefaultTimeout();
        Assert.True(ProcessTable.IsGone(killed));
        await using (var database = NpgsqlDataSource.Create(created.ConnectionString))
        {
            await Assert.ThrowsAsync<NpgsqlException>(() => ScalarAsync(database, "SELECT 1")).DefaultTimeout();
        }

        await own.RestartAsync().DefaultTimeout();
        Assert.Equal(port, own.Port);
        await using (var database = NpgsqlDataSource.Create(created.ConnectionString))
        {
            Assert.Equal(42.5m, await ScalarAsync(database, "SELECT price FROM quotes"));
        }
    }

    [ServerFact(Needs.Postgres)]
    public async Task Dispose_EndsThePostmasterAndItsChildren_AndDeletesItsFolder()
    {
        var own = await PostgresServer.StartAsync().DefaultTimeout();
        var postmaster = own.ProcessId;
        var children = ProcessTable.ChildrenOf(postmaster);
        var folder = own.Folder;
        Assert.NotEmpty(children);
        Assert.True(File.Exists(Path.Combine(own.DataDirectory, "postmaster.pid")));

        await own.DisposeAsync().DefaultTimeout();

        Assert.True(ProcessTable.IsGone(postmaster));
        Assert.All(children, child => Assert.True(ProcessTable.IsGone(child), $"postgres child {child} outlived the fixture"));
        Assert.False(Directory.Exists(folder));
    }

    private static async Task ExecuteAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync().DefaultTimeout();
    }

    private static async Task<object?> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return await command.ExecuteScalarAsync().DefaultTimeout();
    }
}
