using Microsoft.Extensions.Options;
using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Keys;

/// <summary>
/// Every <c>Keys:SweepInterval</c>, finds keys changed in the database by another process (the <c>keys update</c>
/// command) and announces them as <see cref="KeyChanged"/>, so live connections apply the change. In a cluster it is
/// also the backstop for a change whose message was lost.
/// </summary>
internal sealed class KeyChangeSweeper(
    IServiceScopeFactory scopes,
    KeyAccessCache cache,
    IControlChannel control,
    IOptions<KeysOptions> options,
    TimeProvider time,
    ILogger<KeyChangeSweeper> logger) : BackgroundService
{
    private DateTimeOffset _since;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _since = time.GetUtcNow();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            await using var scope = scopes.CreateAsyncScope();
            // A little overlap, so a change saved just as the last sweep read is not missed; repeats are ignored below.
            foreach (var key in await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().ChangedSinceAsync(_since - options.Value.SweepInterval, cancellationToken))
            {
                var cached = cache.Cached(key.Id);
                if (cached is null || cached.UpdatedAt is null || cached.UpdatedAt < key.UpdatedAt)
                {
                    var roleChanged = cached is not null && cached.Role != key.Role;
                    KeysLog.ChangeFound(logger, key.Id);
                    await control.PublishAsync(new KeyChanged(key.Id, key.Role, [.. key.Symbols], key.UpdatedAt!.Value, roleChanged), cancellationToken);
                }
            }

            _since = now;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            KeysLog.SweepFailed(logger, ex);
        }
    }
}
