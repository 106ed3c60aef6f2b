namespace SignalRTicker.Server.Shutdown;

/// <summary>
/// The application lifetime as the console lifetime sees it: on SIGTERM, SIGINT or SIGQUIT that lifetime calls
/// <see cref="StopApplication"/>, which would fire <c>ApplicationStopping</c> at once, and SignalR closes every hub
/// connection on that, before any hosted service can drain. Here the drain runs first, then the real stop.
/// </summary>
internal sealed class DrainFirstLifetime(IHostApplicationLifetime inner, ShutdownDrain drain) : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted => inner.ApplicationStarted;

    public CancellationToken ApplicationStopping => inner.ApplicationStopping;

    public CancellationToken ApplicationStopped => inner.ApplicationStopped;

    public void StopApplication() => _ = StopAfterDrainAsync();

    private async Task StopAfterDrainAsync()
    {
        try
        {
            await drain.DrainAsync();
        }
        finally
        {
            inner.StopApplication();
        }
    }
}
