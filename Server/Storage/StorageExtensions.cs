using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using SignalRTicker.Server.Errors;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Storage;

public static class StorageExtensions
{
    /// <summary>
    /// The gateway's database through EF Core: SQLite in the data folder, or PostgreSQL (<c>Database:Provider</c>).
    /// Features use <see cref="TickerDbContext"/>; interceptors registered as <see cref="IInterceptor"/> services join
    /// every context.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => TickerDatabase.From(
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value, sp.GetRequiredService<IHostEnvironment>()));
        builder.Services.AddSingleton(sp => DataFolder.From(sp.GetRequiredService<TickerDatabase>(), sp.GetRequiredService<IHostEnvironment>()));

        // Both are registered, one is used: the provider is known once configuration is complete, not here.
        builder.Services.AddDbContext<SqliteTickerDbContext>((sp, options) =>
            Configure(options.UseSqlite(sp.GetRequiredService<TickerDatabase>().ConnectionString), sp));
        builder.Services.AddDbContext<PostgresTickerDbContext>((sp, options) =>
            Configure(options.UseNpgsql(sp.GetRequiredService<TickerDatabase>().ConnectionString), sp));
        builder.Services.AddScoped<TickerDbContext>(sp => sp.GetRequiredService<TickerDatabase>().Provider switch
        {
            DatabaseProvider.Postgres => sp.GetRequiredService<PostgresTickerDbContext>(),
            _ => sp.GetRequiredService<SqliteTickerDbContext>(),
        });
        return builder;
    }

    /// <summary>
    /// Creates the data folder (SQLite) and migrates the database before anything reads it. Nodes starting together
    /// on one PostgreSQL database take turns: EF Core holds a lock on the migrations history table while it migrates.
    /// A database that cannot be reached, opened or written is a bad <c>ConnectionStrings:Ticker</c>, named with the
    /// reason; an unreachable server fails within the connection string's Timeout (Npgsql's default, 15 s).
    /// </summary>
    public static async Task PrepareStorageAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var database = services.GetRequiredService<TickerDatabase>();
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            services.GetRequiredService<DataFolder>().Create();
        }

        try
        {
            await MigrateAsync(services, cancellationToken);
        }
        catch (Exception failure) when (DatabaseFailure.Find(failure) is { } cause)
        {
            throw new InvalidSettingException(DatabaseOptions.ConnectionStringKey, database.Provider switch
            {
                DatabaseProvider.Postgres => $"the PostgreSQL database '{database.Name}' cannot be reached or migrated: {Reason(cause)}",
                _ => $"the database '{database.Name}' cannot be opened and written: {cause.Message}",
            }, failure);
        }

        StorageLog.DatabaseReady(services.GetRequiredService<ILogger<TickerDbContext>>(), database.Provider, database.Name);
    }

    private static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = services.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<TickerDbContext>().Database.MigrateAsync(cancellationToken);
                return;
            }
            catch (PostgresException raced) when (attempt == 1 && raced.SqlState is PostgresErrorCodes.DuplicateDatabase)
            {
                // Another node created the missing database between this one's check and its CREATE DATABASE (Npgsql
                // absorbs only a CREATE that overlaps the other's); it exists now, so migrating again finds it.
            }
        }
    }

    private static void Configure(DbContextOptionsBuilder options, IServiceProvider services) => options
        .AddInterceptors(services.GetServices<IInterceptor>())
        // A connection or command that failed is answered (a 503) and logged, a flood of them summarised, by whoever
        // used it; EF would log every one again, with its SQL and stack trace.
        .ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug)));

    /// <summary>What failed and why, e.g. "Failed to connect to 10.0.0.5:5432: Connection refused".</summary>
    private static string Reason(Exception failure)
    {
        var messages = new List<string>();
        for (var current = failure; current is not null; current = current.InnerException)
        {
            var message = current.Message.TrimEnd('.');
            if (!messages.Contains(message))
            {
                messages.Add(message);
            }
        }

        return string.Join(": ", messages);
    }
}
