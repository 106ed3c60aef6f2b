using Microsoft.Data.Sqlite;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Storage;

/// <summary>Where the SQLite database (and other local state, such as the development signing key) lives.</summary>
public sealed record DataFolder(string ConnectionString, string DatabaseFile, string Path)
{
    public const string ConnectionStringName = "Ticker";
    public const string SettingKey = "ConnectionStrings:" + ConnectionStringName;
    private const string DefaultConnectionString = "Data Source=data/ticker.db";

    /// <summary>Reads <c>ConnectionStrings:Ticker</c>; a relative file is taken from the content root.</summary>
    public static DataFolder From(IConfiguration configuration, IHostEnvironment environment)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(configuration.GetConnectionString(ConnectionStringName) ?? DefaultConnectionString);
        }
        catch (ArgumentException bad)
        {
            throw new InvalidSettingException(SettingKey, $"is not a SQLite connection string such as '{DefaultConnectionString}' ({bad.Message})", bad);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new InvalidSettingException(SettingKey, $"must name a database file, such as '{DefaultConnectionString}'.");
        }

        var file = System.IO.Path.GetFullPath(builder.DataSource, environment.ContentRootPath);
        builder.DataSource = file;
        return new DataFolder(builder.ToString(), file, System.IO.Path.GetDirectoryName(file)!);
    }

    /// <summary>Creates the folder; a folder that cannot be made is a bad setting, named.</summary>
    public void Create()
    {
        try
        {
            Directory.CreateDirectory(Path);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException(SettingKey, $"the data folder '{Path}' cannot be created: {failure.Message}", failure);
        }
    }
}
