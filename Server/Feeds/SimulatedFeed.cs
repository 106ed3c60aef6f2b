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
    IQuoteSource source,
    IOptions<TickerOptions> options,
    TimeProvider time,
    ILogger<SimulatedFeed> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        FeedLog.SimulatorStarted(logger, instruments.Count, options.Value.IntervalMs);
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }

        FeedLog.SimulatorStopped(logger);
    }

    /// <summary>One step of every instrument. A failure moving one is logged; the others and the next tick go on.</summary>
    internal void Tick()
    {
        var now = time.GetUtcNow();
        var symbols = instruments.Symbols;
        var moved = new List<Quote>(symbols.Count);
        foreach (var symbol in symbols)
        {
            if (!instruments.TryGetLatest(symbol, out var previous))
            {
                continue; // removed since the snapshot
            }

            try
            {
                moved.Add(source.Move(previous, now));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                FeedLog.MoveFailed(logger, ex, symbol);
            }
        }

        try
        {
            instruments.Publish(moved);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            FeedLog.PublishFailed(logger, ex);
        }
    }
}
