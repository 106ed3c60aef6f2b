using Microsoft.Extensions.Options;
using SignalRTicker.Server.Errors;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.RateLimits;

/// <summary>
/// How many hub connections a key may hold at once. The demo key (Auth:DemoApiKey) has no cap: it exists for demos
/// and load tests, which open thousands of connections with one token, and must not be set on a public deployment.
/// </summary>
public sealed class ConnectionCap(
    IServiceScopeFactory scopes, IOptions<SeedKeyOptions> seeds, IOptions<RateLimitOptions> limits, RefusalLog log, ILogger<ConnectionCap> logger)
{
    private Task<Guid?>? _demoKeyId;

    /// <summary>The cap for this key, or null for none.</summary>
    public async ValueTask<int?> MaxForAsync(Guid keyId)
    {
        // Looked up once; a race at start merely looks it up twice, and a failed look-up (the database was down) is
        // tried again next time rather than kept.
        var lookup = _demoKeyId ??= FindDemoKeyAsync();
        Guid? demo;
        try
        {
            demo = await lookup;
        }
        catch
        {
            _ = Interlocked.CompareExchange(ref _demoKeyId, null, lookup);
            throw;
        }

        return demo == keyId ? null : limits.Value.MaxConnectionsPerKey;
    }

    /// <summary>Logs a connection refused at the cap; a key that keeps trying is summarised per client IP.</summary>
    public void Refused(HttpContext context, Guid keyId, int max)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (log.ShouldLog("connections refused at the cap", ip))
        {
            RateLimitLog.ConnectionCapReached(logger, keyId, ip, max);
        }
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
