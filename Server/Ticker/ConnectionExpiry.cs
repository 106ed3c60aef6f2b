namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Closes each connection when its token expires. SignalR's own check (<c>CloseOnAuthenticationExpiration</c>) reads
/// the expiry captured at connect, which an in-band refresh cannot move, so the server keeps the expiry on the
/// connection's record and checks it here every second.
/// </summary>
internal sealed class ConnectionExpiry(LiveConnections connections, TimeProvider time, ILogger<ConnectionExpiry> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                CloseExpired();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    internal void CloseExpired()
    {
        var now = time.GetUtcNow();
        foreach (var connection in connections.All)
        {
            if (connection.ExpiresAt is { } expires && expires <= now)
            {
                TickerLog.ConnectionExpired(logger, connection.ConnectionId, connection.KeyId, expires);
                connection.Abort();
            }
        }
    }
}
