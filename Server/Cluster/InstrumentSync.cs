using Microsoft.Extensions.Options;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Keeps this node's instruments the cluster's. At start each instrument takes its position from the cluster
/// (<see cref="InstrumentPositions"/>) before this node may lead a feed (<see cref="Ready"/>). An instrument added or removed on another node arrives as a control
/// message and is added or removed here too (the removal's message also ends this node's subscriptions to it). Every
/// <see cref="ClusterOptions.InstrumentReloadInterval"/> the instruments are read from the shared database as well, the
/// backstop for a message lost while Redis was unreachable.
/// </summary>
internal sealed class InstrumentSync(
    InstrumentRegistry instruments,
    IControlChannel control,
    LocalControlChannel local,
    InstrumentPositions positions,
    IServiceScopeFactory scopes,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<InstrumentSync> logger) : BackgroundService
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the instruments stand where the cluster's do (or Redis could not say, at start).</summary>
    public Task Ready => _ready.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(control.Subscribe<InstrumentAdded>(OnAdded));
        _subscriptions.Add(control.Subscribe<InstrumentRemoved>(OnRemoved));
        await positions.AdoptAsync(instruments.Symbols);
        _ready.TrySetResult();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscriptions.ForEach(subscription => subscription.Dispose());
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.InstrumentReloadInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReloadAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Adds the stored instruments this node lacks and removes the ones removed in the database.</summary>
    internal async Task ReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var added = new List<string>();
            foreach (var record in await scope.ServiceProvider.GetRequiredService<InstrumentStore>().LoadAsync(cancellationToken))
            {
                if (InstrumentStore.Restore(record) is { } state)
                {
                    if (instruments.Restore(state))
                    {
                        added.Add(state.Symbol);
                        ClusterLog.InstrumentFollowed(logger, state.Symbol, "added");
                    }
                }
                else if (record.RemovedAt is not null && instruments.Forget(record.Symbol))
                {
                    // The removal's message never came: this node's subscribers hear of it now.
                    local.Dispatch(new InstrumentRemoved(record.Symbol));
                    ClusterLog.InstrumentFollowed(logger, record.Symbol, "removed");
                }
            }

            await positions.AdoptAsync(added);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ClusterLog.InstrumentReloadFailed(logger, ex);
        }
    }

    private void OnAdded(InstrumentAdded added)
    {
        if (!InstrumentSourceNames.TryParse(added.Source, out var source))
        {
            return;
        }

        var opening = added.StartPrice is { } price ? Prices.Opening(added.Symbol, price, price, added.Sequence, time.GetUtcNow()) : null;
        if (instruments.Restore(new InstrumentState(added.Symbol, source, added.StartPrice, added.Sequence, opening)))
        {
            ClusterLog.InstrumentFollowed(logger, added.Symbol, "added");
            // A symbol added again carries on where the cluster left it.
            _ = positions.AdoptAsync([added.Symbol]);
        }
    }

    private void OnRemoved(InstrumentRemoved removed)
    {
        if (instruments.Forget(removed.Symbol))
        {
            ClusterLog.InstrumentFollowed(logger, removed.Symbol, "removed");
        }
    }
}
