using Microsoft.Extensions.Options;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.RateLimits;

/// <summary>
/// How many hub connections a key may hold at once. The demo key (Auth:DemoApiKey) has no cap: it exists for demos
/// and load tests, which open thousands of connections with one token, and must not be set on a public deployment.
/// </summary>
public sealed class ConnectionCap(IServiceScopeFactory scopes, IOptions<SeedKeyOptions> seeds, IOptions<RateLimitOptions> limits)
{
    private Task<Guid?>? _demoKeyId;

    /// <summary>The cap for this key, or null for none.</summary>
    public async ValueTask<int?> MaxForAsync(Guid keyId)
    {
        // Looked up once; a race at start merely looks it up twice.
        var demo = await (_demoKeyId ??= FindDemoKeyAsync());
        return demo == keyId ? null : limits.Value.MaxConnectionsPerKey;
    }

    private async Task<Guid?> FindDemoKeyAsync()
    {
        if (string.IsNullOrEmpty(seeds.Value.DemoApiKey))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().FindActiveAsync(seeds.Value.DemoApiKey, CancellationToken.None);
        return key?.Id;
    }
}
