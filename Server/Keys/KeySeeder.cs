using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Keys;

/// <summary>Makes the configured seed keys exist; in Development, says which key the page can use.</summary>
internal sealed class KeySeeder(
    IServiceScopeFactory scopes,
    IOptions<SeedKeyOptions> options,
    IHostEnvironment environment,
    ILogger<KeySeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ApiKeyStore>();
        var seeds = options.Value;
        if (!string.IsNullOrEmpty(seeds.AdminApiKey)
            && await store.EnsureAsync(seeds.AdminApiKey, "admin (Auth:AdminApiKey)", Roles.Admin, [ApiKeyRules.AllSymbols], cancellationToken))
        {
            KeysLog.SeedKeyCreated(logger, "Auth:AdminApiKey");
        }

        if (!string.IsNullOrEmpty(seeds.DemoApiKey)
            && await store.EnsureAsync(seeds.DemoApiKey, "demo (Auth:DemoApiKey)", Roles.User, [ApiKeyRules.AllSymbols], cancellationToken))
        {
            KeysLog.SeedKeyCreated(logger, "Auth:DemoApiKey");
        }

        // The documented development key, so a first visit to the page needs no README; never outside Development.
        if (environment.IsDevelopment() && !string.IsNullOrEmpty(seeds.DemoApiKey))
        {
            KeysLog.DemoKeyForDevelopment(logger, seeds.DemoApiKey);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
