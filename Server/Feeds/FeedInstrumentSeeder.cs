using Microsoft.Extensions.Options;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// At start, makes sure every instrument a feed prices exists: the simulated instruments of <c>Ticker:Symbols</c>
/// (or the defaults). Runs before the feeds start (hosted services start in registration order).
/// </summary>
internal sealed class FeedInstrumentSeeder(InstrumentRegistry instruments, IOptions<TickerOptions> options, ILogger<FeedInstrumentSeeder> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var symbols = options.Value.Symbols.Count > 0 ? options.Value.Symbols : TickerOptions.DefaultSymbols;
        var added = 0;
        foreach (var (symbol, price) in symbols)
        {
            // One an admin removed stays removed; one restored from the database carries on as it was.
            if (!instruments.WasRemoved(symbol) && instruments.Add(symbol, InstrumentSource.Simulated, price))
            {
                added++;
            }
        }

        FeedLog.InstrumentsSeeded(logger, added, instruments.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
