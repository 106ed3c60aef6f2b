namespace SignalRTicker.Server.Shutdown;

/// <summary>
/// Drains when the host stops, in <see cref="StoppingAsync"/>: before <c>ApplicationStopping</c>, on which SignalR
/// closes every connection at once without inviting a reconnect, and before Kestrel stops listening. A stop that
/// began with a signal has drained already (<see cref="DrainFirstLifetime"/>); this joins that drain.
/// </summary>
internal sealed class DrainOnStop(ShutdownDrain drain) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken) => drain.DrainAsync().WaitAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
