using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;

namespace SignalRTicker.Server.Tests.Storage;

/// <summary>
/// The databases a test of stored state runs on: SQLite always, and PostgreSQL where it is installed or required (CI
/// requires it, so there a missing server fails the case instead of leaving it out).
/// </summary>
public static class TestDatabases
{
    public static TheoryData<DatabaseProvider> Providers
    {
        get
        {
            var providers = new TheoryData<DatabaseProvider> { DatabaseProvider.Sqlite };
            if (ServerPrograms.SkipReason(Needs.Postgres) is null)
            {
                providers.Add(DatabaseProvider.Postgres);
            }

            return providers;
        }
    }

    /// <summary>
    /// A fresh database for a test on <paramref name="provider"/>, as <see cref="TickerAppFactory.PostgresConnectionString"/>
    /// takes it: null for SQLite (the app's own file), or a new database on this server.
    /// </summary>
    public static async Task<string?> CreateDatabaseAsync(this PostgresServer server, DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? (await server.CreateDatabaseAsync().DefaultTimeout()).ConnectionString : null;
}
