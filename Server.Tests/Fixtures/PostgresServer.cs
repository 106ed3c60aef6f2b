using System.Globalization;
using Npgsql;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// A private PostgreSQL 15 cluster (Debian's package) on a free loopback port, in a folder of its own, run as the
/// postgres OS user when the tests run as root (PostgreSQL refuses root). Nothing is flushed to disk, for speed. Each
/// test makes its own database with <see cref="CreateDatabaseAsync"/>, so tests sharing one server stay independent.
/// </summary>
public sealed class PostgresServer() : ServerFixture(Needs.Postgres)
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    public const string Executable = BinDirectory + "/postgres";
    public const string OsUser = "postgres";
    public const string Superuser = "postgres";
    internal const string DataFolder = "data";
    internal const string SocketFolder = "socket";

    public string DataDirectory => Path.Combine(Folder, DataFolder);

    public string SocketDirectory => Path.Combine(Folder, SocketFolder);

    // Immediate shutdown: the backends stop at once and no checkpoint is written; the next start recovers from the WAL.
    protected override string KillSignal => "QUIT";

    protected override string StopSignal => "QUIT";

    protected override string? FolderOwner => OsUser;

    public static Task<PostgresServer> StartAsync() => LaunchAsync(new PostgresServer());

    /// <summary>The Npgsql connection string for <paramref name="database"/> on this server, over TCP on loopback.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
        Timeout = 10,
        CommandTimeout = 30,
    }.ConnectionString;

    /// <summary>Creates a database with a name no other test uses.</summary>
    public async Task<PostgresDatabase> CreateDatabaseAsync()
    {
        var name = $"test_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        // An identifier cannot be a parameter; the name is made above from a GUID, never from input.
#pragma warning disable CA2100
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
#pragma warning restore CA2100
        await create.ExecuteNonQueryAsync();
        return new PostgresDatabase(name, ConnectionString(name));
    }

    protected override Task PrepareAsync(string folder) => PostgresTemplate.CopyToAsync(folder);

    protected override ServerProcess Start(string folder) => ServerProcess.Start("postgres", Path.Combine(folder, "postgres.log"),
        ServerProcess.AsUser(OsUser,
        [
            Executable,
            "-D", Path.Combine(folder, DataFolder),
            "-h", "127.0.0.1",
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-k", Path.Combine(folder, SocketFolder),
            // Test data is thrown away, so nothing needs to reach the disk; a commit still reaches the kernel
            // (synchronous_commit stays on), so a killed postmaster keeps it for the restart.
            "-c", "fsync=off",
            "-c", "full_page_writes=off",
            "-c", "shared_buffers=16MB",
            "-c", "autovacuum=off",
        ]), folder);

    protected override Task WaitUntilReadyAsync(ServerProcess process) =>
        process.WaitUntilReadyAsync("accepted connections", AcceptsConnectionsAsync);

    // Unpooled: the fixture's own connections must not linger in a pool after the server is gone.
    private string AdminConnectionString =>
        new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false }.ConnectionString;

    private async Task<bool> AcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var query = new NpgsqlCommand("SELECT 1", connection);
            await query.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (NpgsqlException e) when (e.IsTransient || e is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow })
        {
            return false;
        }
    }
}
