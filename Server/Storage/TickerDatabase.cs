using Microsoft.Data.Sqlite;
using Npgsql;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Storage;

/// <summary>
/// The database this node uses: its provider, the connection string to open it with (a SQLite file made absolute), and
/// a name for log lines and errors that never carries a password.
/// </summary>
public sealed record TickerDatabase(DatabaseProvider Provider, string ConnectionString, string Name)
{
    private const string DefaultSqliteConnectionString = "Data Source=data/ticker.db";

    /// <summary>Reads validated <see cref="DatabaseOptions"/>; a relative SQLite file is taken from the content root.</summary>
    public static TickerDatabase From(DatabaseOptions options, IHostEnvironment environment) => options.GetProvider() switch
    {
        DatabaseProvider.Postgres => Postgres(options.ConnectionString!),
        _ => Sqlite(options.ConnectionString ?? DefaultSqliteConnectionString, environment),
    };

    /// <summary>The SQLite file, or null on PostgreSQL.</summary>
    public string? SqliteFile => Provider == DatabaseProvider.Sqlite ? Name : null;

    private static TickerDatabase Postgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new TickerDatabase(DatabaseProvider.Postgres, connectionString, $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}");
    }

    private static TickerDatabase Sqlite(string connectionString, IHostEnvironment environment)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException bad)
        {
            throw new InvalidSettingException(DatabaseOptions.ConnectionStringKey,
                $"is not a SQLite connection string such as '{DefaultSqliteConnectionString}' ({bad.Message})", bad);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new InvalidSettingException(DatabaseOptions.ConnectionStringKey, $"must name a database file, such as '{DefaultSqliteConnectionString}'.");
        }

        var file = Path.GetFullPath(builder.DataSource, environment.ContentRootPath);
        builder.DataSource = file;
        return new TickerDatabase(DatabaseProvider.Sqlite, builder.ToString(), file);
    }
}
