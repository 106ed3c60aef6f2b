using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Storage;

/// <summary>
/// Where this node keeps local state (the development signing key): beside the SQLite file, or with PostgreSQL the
/// content root's <c>data</c> folder.
/// </summary>
public sealed record DataFolder(string Path)
{
    public const string SettingKey = DatabaseOptions.ConnectionStringKey;
    private const string DefaultFolder = "data";

    public static DataFolder From(TickerDatabase database, IHostEnvironment environment) =>
        new(database.SqliteFile is { } file
            ? System.IO.Path.GetDirectoryName(file)!
            : System.IO.Path.Combine(environment.ContentRootPath, DefaultFolder));

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
