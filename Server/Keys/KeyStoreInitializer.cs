using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.Keys;

/// <summary>Creates the data folder, applies migrations and makes the configured seed keys exist.</summary>
internal sealed class KeyStoreInitializer(
    IServiceScopeFactory scopes,
    DataFolder dataFolder,
    IOptions<AuthOptions> authOptions,
    ILogger<KeyStoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataFolder.Path);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KeyStoreDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        KeysLog.DatabaseReady(logger, dataFolder.DatabaseFile);

        var store = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var auth = authOptions.Value;
        if (!string.IsNullOrEmpty(auth.AdminApiKey)
            && await store.EnsureAsync(auth.AdminApiKey, "admin (Auth:AdminApiKey)", Roles.Admin, [ApiKeyRules.AllSymbols], cancellationToken))
        {
            KeysLog.SeedKeyCreated(logger, "Auth:AdminApiKey");
        }

        if (!string.IsNullOrEmpty(auth.DemoApiKey)
            && await store.EnsureAsync(auth.DemoApiKey, "demo (Auth:DemoApiKey)", Roles.User, [ApiKeyRules.AllSymbols], cancellationToken))
        {
            KeysLog.SeedKeyCreated(logger, "Auth:DemoApiKey");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
