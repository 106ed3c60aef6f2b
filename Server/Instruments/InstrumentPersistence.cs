namespace SignalRTicker.Server.Instruments;

/// <summary>
/// Keeps instruments across restarts. At start it restores every stored instrument where it stood; while running it
/// reserves blocks of sequences ahead of use (and saves the latest quotes with them), so after a crash sequences jump
/// forward but never repeat; at a graceful stop it saves exactly where each stands, so the next start carries on.
/// </summary>
internal sealed class InstrumentPersistence(
    IServiceScopeFactory scopes,
    InstrumentRegistry instruments,
    TimeProvider time,
    ILogger<InstrumentPersistence> logger) : BackgroundService, IInstrumentLoader
{
    /// <summary>The least a reservation holds ahead; more for an instrument that moves fast (ten intervals of its rate).</summary>
    internal const long MinimumReserve = 1000;

    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, long> _lastSaved = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _saving = new(1, 1);
    private AsyncServiceScope? _scope;
    private InstrumentStore? _store;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>Restores every stored instrument where it stood, and remembers the ones an admin removed.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            return;
        }

        _scope = scopes.CreateAsyncScope();
        _store = _scope.Value.ServiceProvider.GetRequiredService<InstrumentStore>();
        {
            var restored = 0;
            foreach (var record in await _store.LoadAsync(cancellationToken))
            {
                if (InstrumentStore.Restore(record) is { } state)
                {
                    restored += instruments.Restore(state) ? 1 : 0;
                    _lastSaved[record.Symbol] = record.ReservedSequence;
                }
                else if (record.RemovedAt is not null)
                {
                    instruments.MarkRemoved(record.Symbol);
                }
            }

            InstrumentLog.Restored(logger, restored);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // A save runs to its end: cancelled halfway, it would leave the context's transaction behind.
                await SaveAsync(exact: false, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; StopAsync saves exactly.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await SaveAsync(exact: true, CancellationToken.None);

        // Whatever runs after this (a second stop, a late save) finds no store rather than a disposed one.
        await _saving.WaitAsync(CancellationToken.None);
        try
        {
            _store = null;
            if (_scope is { } scope)
            {
                _scope = null;
                await scope.DisposeAsync();
            }
        }
        finally
        {
            _saving.Release();
        }
    }


    /// <summary>
    /// Saves the instruments whose reservation runs low (or, <paramref name="exact"/>, every instrument where it stands).
    /// A database that cannot be written is logged; the next interval tries again.
    /// </summary>
    internal async Task SaveAsync(bool exact, CancellationToken cancellationToken)
    {
        if (_store is not { } store)
        {
            return;
        }

        await _saving.WaitAsync(cancellationToken);
        try
        {
            var positions = new List<(InstrumentState State, long Reserve)>();
            foreach (var instrument in instruments.All)
            {
                var state = instrument.State;
                if (exact)
                {
                    positions.Add((state, state.Sequence));
                    continue;
                }

                var since = _lastSaved.TryGetValue(state.Symbol, out var saved) ? saved : -1;
                var headroom = Math.Max(MinimumReserve, 10 * Math.Max(0, state.Sequence - Math.Min(since, state.Sequence)));
                if (since >= 0 && instrument.ReservedSequence - state.Sequence >= headroom / 2)
                {
                    continue;
                }

                positions.Add((state, state.Sequence + headroom));
            }

            if (positions.Count == 0)
            {
                return;
            }

            await store.SaveAsync(positions, exact, cancellationToken);
            foreach (var (state, reserve) in positions)
            {
                _lastSaved[state.Symbol] = state.Sequence;
                if (instruments.TryGet(state.Symbol, out var instrument))
                {
                    instrument.Reserved(reserve);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database is down, full or read-only: quotes go on, and the next interval tries again.
            InstrumentLog.SaveFailed(logger, ex);
        }
        finally
        {
            _saving.Release();
        }
    }
}
