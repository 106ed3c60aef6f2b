using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Every <c>Ticker:IntervalMs</c>, moves each symbol one step, records it in the <see cref="QuoteBook"/> and pushes it
/// to that symbol's group. Sends are started, not awaited: a slow or stuck connection makes its own send pending
/// without holding up the next tick or anyone else's quotes.
/// </summary>
public sealed class QuoteFeedService(
    QuoteBook book,
    IQuoteSource source,
    IHubContext<TickerHub, ITickerClient> hub,
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
            Publish(next);
        }
    }

    private void Publish(Quote quote)
    {
        var send = hub.Clients.Group(Symbol.GroupName(quote.Symbol)).Quote(quote);
        if (!send.IsCompletedSuccessfully)
        {
            _ = ObserveAsync(send, quote.Symbol);
        }
    }

    private async Task ObserveAsync(Task send, string symbol)
    {
        try
        {
            await send;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TickerLog.PublishFailed(logger, ex, symbol);
        }
        catch (OperationCanceledException)
        {
            // A connection went away mid-send; nothing to do.
        }
    }
}
