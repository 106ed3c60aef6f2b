using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Storage;

public static class StorageExtensions
{
    /// <summary>The gateway's database: SQLite through EF Core, in the data folder.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => DataFolder.From(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()));
        builder.Services.AddDbContext<TickerDbContext>((sp, options) =>
            options.UseSqlite(sp.GetRequiredService<DataFolder>().ConnectionString));
        return builder;
    }

    /// <summary>
    /// Creates the data folder and migrates the database before anything reads it. A database that cannot be opened
    /// or written is a bad <c>ConnectionStrings:Ticker</c>, named with the reason.
    /// </summary>
    public static async Task PrepareStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var dataFolder = services.GetRequiredService<DataFolder>();
        dataFolder.Create();
        await using var scope = services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<TickerDbContext>().Database.MigrateAsync(cancellationToken);
        }
        catch (SqliteException failure)
        {
            throw new InvalidSettingException(DataFolder.SettingKey,
                $"the database '{dataFolder.DatabaseFile}' cannot be opened and written: {failure.Message}", failure);
        }

        StorageLog.DatabaseReady(services.GetRequiredService<ILogger<TickerDbContext>>(), dataFolder.DatabaseFile);
    }
}
