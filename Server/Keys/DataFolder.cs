using Microsoft.Data.Sqlite;

namespace SignalRTicker.Server.Keys;

/// <summary>Where the SQLite database (and other local state, such as the development signing key) lives.</summary>
public sealed record DataFolder(string ConnectionString, string DatabaseFile, string Path)
{
    public const string ConnectionStringName = "Ticker";
    private const string DefaultConnectionString = "Data Source=data/ticker.db";

    /// <summary>Reads <c>ConnectionStrings:Ticker</c>; a relative file is taken from the content root.</summary>
    public static DataFolder From(IConfiguration configuration, IHostEnvironment environment)
    {
        var builder = new SqliteConnectionStringBuilder(
            configuration.GetConnectionString(ConnectionStringName) ?? DefaultConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} must name a database file, such as '{DefaultConnectionString}'.");
        }

        var file = System.IO.Path.GetFullPath(builder.DataSource, environment.ContentRootPath);
        builder.DataSource = file;
        return new DataFolder(builder.ToString(), file, System.IO.Path.GetDirectoryName(file)!);
    }
}
