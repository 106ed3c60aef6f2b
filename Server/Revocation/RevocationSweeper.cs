using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Errors;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Loads the revocations from the database at start, then every interval: writes the revocations the database could
/// not take when they were made, purges what has expired (in memory and in the database) and announces revocations
/// made by another process (the <c>keys revoke</c> command) on the control channel, as if they were made here.
/// </summary>
internal sealed class RevocationSweeper(
    IServiceScopeFactory scopes,
    RevocationList list,
    TicketStore tickets,
    IControlChannel channel,
    IOptions<RevocationOptions> options,
    IOptions<AuthOptions> authOptions,
    TimeProvider time,
    ILogger<RevocationSweeper> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The database is migrated before the host starts; the list is filled before the first request.
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
                catch (Exception failure) when (DatabaseFailure.Find(failure) is { } database)
                {
                    RevocationLog.SweepFailed(logger, database.Message);
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
        await scope.ServiceProvider.GetRequiredService<Revoker>().RecordPendingAsync(cancellationToken);
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
        await using var scope = scopes.CreateAsyncScope();
        var found = 0;
        foreach (var (keyId, revokedAt) in await scope.ServiceProvider.GetRequiredService<ApiKeyStore>()
            .RevokedSinceAsync(now - authOptions.Value.TokenLifetime - ConfigureJwtBearer.ClockSkew, cancellationToken))
        {
            if (!list.Contains(keyId))
            {
                await channel.PublishAsync(new KeyRevoked(keyId, revokedAt), cancellationToken);
                found++;
            }
        }

        foreach (var (tokenId, keyId, expiresAt) in await scope.ServiceProvider.GetRequiredService<TokenStore>()
            .RevokedUnexpiredAsync(now - ConfigureJwtBearer.ClockSkew, cancellationToken))
        {
            if (!list.Contains(tokenId))
            {
                await channel.PublishAsync(new TokenRevoked(tokenId, keyId, expiresAt), cancellationToken);
                found++;
            }
        }

        if (found > 0)
        {
            RevocationLog.Synced(logger, found);
        }
    }
}
