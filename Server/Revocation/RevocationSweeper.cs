using System.Data.Common;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Loads the revocations from the database at start, then every interval: purges what has expired (in memory and in
/// the database) and picks up revocations made by another process, closing their connections.
/// </summary>
internal sealed class RevocationSweeper(
    IServiceScopeFactory scopes,
    RevocationList list,
    TicketStore tickets,
    ConnectionRegistry connections,
    IOptions<RevocationOptions> options,
    IOptions<AuthOptions> authOptions,
    TimeProvider time,
    ILogger<RevocationSweeper> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered after the key store's initializer, so the database is migrated by now.
        await SyncAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (DbException exception)
                {
                    RevocationLog.SweepFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entries = list.Purge(now) + tickets.Purge();
        await using var scope = scopes.CreateAsyncScope();
        var records = await scope.ServiceProvider.GetRequiredService<TokenStore>()
            .PurgeExpiredAsync(now - ConfigureJwtBearer.ClockSkew, cancellationToken);
        if (entries + records > 0)
        {
            RevocationLog.Purged(logger, entries, records);
        }

        await SyncAsync(cancellationToken);
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var auth = authOptions.Value;
        await using var scope = scopes.CreateAsyncScope();
        var added = 0;
        var closed = 0;
        foreach (var (keyId, revokedAt) in await scope.ServiceProvider.GetRequiredService<ApiKeyStore>()
            .RevokedSinceAsync(now - auth.TokenLifetime - ConfigureJwtBearer.ClockSkew, cancellationToken))
        {
            if (list.RevokeKey(keyId, Revoker.KeepKeyUntil(revokedAt, auth)))
            {
                added++;
                closed += connections.AbortKey(keyId);
            }
        }

        foreach (var (tokenId, expiresAt) in await scope.ServiceProvider.GetRequiredService<TokenStore>()
            .RevokedUnexpiredAsync(now - ConfigureJwtBearer.ClockSkew, cancellationToken))
        {
            if (list.RevokeToken(tokenId, expiresAt + ConfigureJwtBearer.ClockSkew))
            {
                added++;
                closed += connections.AbortToken(tokenId);
            }
        }

        if (added > 0)
        {
            RevocationLog.Synced(logger, added, closed);
        }
    }
}
