using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SignalRTicker.Server.Keys;

public static class KeysExtensions
{
    /// <summary>The API key store: SQLite through EF Core, migrated and seeded at start-up.</summary>
    public static IHostApplicationBuilder AddKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => DataFolder.From(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()));
        builder.Services.AddDbContext<KeyStoreDbContext>((sp, options) =>
            options.UseSqlite(sp.GetRequiredService<DataFolder>().ConnectionString));
        builder.Services.AddScoped<ApiKeyStore>();
        builder.Services.AddScoped<TokenStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Registered before the feed and the web server start, so the database is ready when the first request arrives.
        builder.Services.AddHostedService<KeyStoreInitializer>();
        return builder;
    }
}
