using Microsoft.Extensions.Options;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// Every <c>Ticker:IntervalMs</c>, moves each instrument one step of a random walk and publishes the tick through the
/// <see cref="InstrumentRegistry"/>, which never waits for a client: a slow connection has its quotes conflated
/// without holding up the next tick or anyone else's quotes.
/// </summary>
public sealed class SimulatedFeed(
    InstrumentRegistry instruments,
    IQuoteEngine engine,
    IQuoteSource source,
    IFeedLeadership leadership,
    IOptions<TickerOptions> options,
    TimeProvider time,
    ILogger<SimulatedFeed> logger) : BackgroundService
{
    /// <summary>
    /// True while this node's timer runs: the loop starts on a thread of its own once the host runs, and a clock moved
    /// on before its timer exists passes without a tick (tests that move a fake clock wait for this).
    /// </summary>
    internal bool IsTicking { get => Volatile.Read(ref _ticking); private set => Volatile.Write(ref _ticking, value); }

    private bool _ticking;

    /// <summary>Ticks begun and finished on this node (a test that moves a fake clock waits for the tick it caused).</summary>
    internal long TicksStarted => Interlocked.Read(ref _ticksStarted);

    /// <inheritdoc cref="TicksStarted"/>
    internal long TicksFinished => Interlocked.Read(ref _ticksFinished);

    private long _ticksStarted;
    private long _ticksFinished;

    /// <summary>The leadership the simulator publishes under now.</summary>
    private QuoteOrigin _origin = QuoteOrigin.Leader(InstrumentSources.Simulated, 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // One random walk for the whole gateway: only the node that leads the simulator moves prices, each tick from
        // the latest quotes, so a node that takes over carries on from where the last one left each instrument.
        while (!stoppingToken.IsCancellationRequested)
        {
            FeedLease lease;
            try
            {
                lease = await leadership.AcquireAsync(InstrumentSources.Simulated, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await using (lease)
            {
                _origin = lease.Origin;
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                await RunAsync(leading.Token);
            }
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        FeedLog.SimulatorStarted(logger, instruments.Count, options.Value.IntervalMs);
        IsTicking = true;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Interlocked.Increment(ref _ticksStarted);
                try
                {
                    await TickAsync(stoppingToken);
                }
                finally
                {
                    Interlocked.Increment(ref _ticksFinished);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down, or another node leads the simulator now.
        }

        IsTicking = false;
        FeedLog.SimulatorStopped(logger);
    }

    /// <summary>One step of every simulated instrument. A failure moving one is logged; the others and the next tick go on.</summary>
    internal async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var moves = new List<PriceUpdate>();
        // In symbol order, so each tick's quotes reach a connection in a predictable order.
        foreach (var symbol in instruments.Symbols)
        {
            if (!instruments.TryGet(symbol, out var instrument) || instrument.Source != InstrumentSource.Simulated || instrument.Latest is not { } latest)
            {
                continue;
            }

            try
            {
                moves.Add(new PriceUpdate(instrument.Symbol, source.Move(instrument.Symbol, latest.Price), Timestamp: now));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                FeedLog.MoveFailed(logger, ex, instrument.Symbol);
            }
        }

        try
        {
            await engine.PublishAsync(moves, _origin, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            FeedLog.PublishFailed(logger, ex);
        }
    }
}
