using SignalRTicker.Client;

namespace SignalRTicker.Bench.Soak;

/// <summary>
/// A fresh token of the soak's key every <c>every</c>: connections opening or renewing take the newest, so tokens
/// are shared by the connections of the same few seconds (as if each client had asked) without one token request per
/// connection.
/// </summary>
internal sealed class SharedTokens(TokenClient tokens, TimeSpan every, SoakLog log)
{
    private AccessToken? _current;
    private Task _renewing = Task.CompletedTask;

    public AccessToken Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("No token yet: start first.");

    /// <summary>The lifetime the server gives its tokens, as seen on the newest one.</summary>
    public TimeSpan Lifetime => Current.ExpiresAt - Current.IssuedAt;

    public async Task StartAsync(CancellationToken stopping)
    {
        Volatile.Write(ref _current, await NewAsync(stopping));
        _renewing = RenewAsync(stopping);
    }

    /// <summary>Waits for the renewal loop, which ends when the token given to <see cref="StartAsync"/> is cancelled.</summary>
    public Task StoppedAsync() => _renewing;

    private async Task<AccessToken> NewAsync(CancellationToken cancellationToken)
    {
        tokens.Invalidate();
        return await tokens.GetAsync(cancellationToken);
    }

    private async Task RenewAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    Volatile.Write(ref _current, await NewAsync(stopping));
                }
                catch (Exception ex) when (ex is HttpRequestException or TickerClientException or RateLimitedException)
                {
                    log.Error($"a new token was refused: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The soak is over.
        }
    }
}
