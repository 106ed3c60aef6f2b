using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Health;

namespace SignalRTicker.Server.Tests.Storage;

/// <summary>
/// An app's database stops taking writes until <see cref="EndAsync"/>: its SQLite file made immutable (reads go on),
/// or its PostgreSQL server stopped at once, as a crash or a failover would (nothing goes on).
/// </summary>
public sealed class DatabaseOutage : IAsyncDisposable
{
    private readonly UnwritableDatabase? _file;
    private readonly PostgresServer? _server;
    private bool _ended;

    private DatabaseOutage(UnwritableDatabase? file, PostgresServer? server)
    {
        _file = file;
        _server = server;
    }

    public static async Task<DatabaseOutage> BeginAsync(TickerAppFactory app, PostgresServer postgres)
    {
        if (app.PostgresConnectionString is null)
        {
            return new DatabaseOutage(UnwritableDatabase.Make(app.DatabaseFile), null);
        }

        await postgres.KillAsync().DefaultTimeout();
        return new DatabaseOutage(null, postgres);
    }

    /// <summary>The database takes writes again (PostgreSQL restarted on the same port).</summary>
    public async Task EndAsync()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _file?.Restore();
        if (_server is not null)
        {
            await _server.RestartAsync().DefaultTimeout(ServerProcess.StartTimeout);
        }
    }

    public async ValueTask DisposeAsync() => await EndAsync();
}
