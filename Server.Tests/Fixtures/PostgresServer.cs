using System.Globalization;
using Npgsql;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// A private PostgreSQL 15 cluster (Debian's package) on a free loopback port, in a temp folder of its own, run as the
/// postgres OS user when the tests run as root (PostgreSQL refuses root). Durability is off for speed. Each test makes
/// its own database with <see cref="CreateDatabaseAsync"/>, so tests sharing one server stay independent.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    public const string Executable = BinDirectory + "/postgres";
    public const string OsUser = "postgres";
    public const string Superuser = "postgres";
    internal const string DataFolder = "data";
    internal const string SocketFolder = "socket";

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private string? _folder;
    private ServerProcess? _process;

    public int Port { get; private set; }

    /// <summary>The PID of the postmaster (a new one after each restart); its backends are its children.</summary>
    public int ProcessId => Started._process!.Id;

    public string Folder => Started._folder!;

    public string DataDirectory => Path.Combine(Folder, DataFolder);

    public string SocketDirectory => Path.Combine(Folder, SocketFolder);

    private PostgresServer Started => _process is not null
        ? this
        : throw new InvalidOperationException($"PostgreSQL is not running: {Executable} is missing or the fixture has not started. " +
                                              "Install it with `apt-get install -y postgresql`.");

    public static async Task<PostgresServer> StartAsync()
    {
        ServerPrograms.EnsureInstalled(Needs.Postgres);
        var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        return postgres;
    }

    /// <summary>The Npgsql connection string for <paramref name="database"/> on this server, over TCP on loopback.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Started.Port,
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

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            // Skipped tests never touch the server; a run that requires it fails on first use with the install hint.
            return;
        }

        _folder = await FixtureFolder.CreateAsync("postgres", OsUser);
        Port = FreePort.Next();
        try
        {
            await PostgresTemplate.CopyToAsync(_folder);
            await RestartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the postmaster again on the same port and data (after <see cref="KillAsync"/>); kills it first if it still runs.</summary>
    public async Task RestartAsync()
    {
        var folder = _folder ?? throw new InvalidOperationException("The fixture has not been initialized.");
        if (_process is { } previous)
        {
            _process = null;
            await previous.StopAsync("QUIT", StopGrace);
            await previous.DisposeAsync();
        }

        _process = ServerProcess.Start("postgres", Path.Combine(folder, "postgres.log"), ServerProcess.AsUser(OsUser,
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
        await _process.WaitUntilReadyAsync("accepted connections", AcceptsConnectionsAsync);
    }

    /// <summary>
    /// Ends the cluster at once (SIGQUIT, PostgreSQL's immediate shutdown: no checkpoint, recovery on the next start),
    /// as a crash or an outage would; <see cref="RestartAsync"/> brings it back with the data committed so far.
    /// </summary>
    public Task KillAsync() => Started._process!.StopAsync("QUIT", StopGrace);

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.StopAsync("QUIT", StopGrace);
            await process.DisposeAsync();
        }

        if (_folder is { } folder)
        {
            _folder = null;
            await FixtureFolder.DeleteAsync(folder);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

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
