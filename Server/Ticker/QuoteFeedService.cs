using Microsoft.Extensions.Options;
using SignalRTicker.Server.Delivery;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Every <c>Ticker:IntervalMs</c>, moves each symbol one step, records it in the <see cref="QuoteBook"/> and hands the
/// tick to <see cref="QuoteDelivery"/>, which never waits for a client: a slow or stuck connection has its quotes
/// conflated without holding up the next tick or anyone else's quotes.
/// </summary>
public sealed class QuoteFeedService(
    QuoteBook book,
    IQuoteSource source,
    QuoteDelivery delivery,
    IOptions<TickerOptions> options,
    TimeProvider time,
    ILogger<QuoteFeedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TickerLog.FeedStarted(logger, book.Symbols.Count, options.Value.IntervalMs);
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

        TickerLog.FeedStopped(logger);
    }

    /// <summary>One step of every symbol. A failure moving one symbol is logged; the others and the next tick go on.</summary>
    internal void Tick()
    {
        var now = time.GetUtcNow();
        var moved = new List<Quote>(book.Symbols.Count);
        foreach (var symbol in book.Symbols)
        {
            Quote next;
            try
            {
                next = source.Move(book[symbol], now);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                TickerLog.TickFailed(logger, ex, symbol);
                continue;
            }

            book.Set(next);
            moved.Add(next);
        }

        try
        {
            delivery.Publish(moved);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TickerLog.PublishFailed(logger, ex);
        }
    }
}
