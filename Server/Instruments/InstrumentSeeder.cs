using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Instruments;

/// <summary>
/// At start, adds the simulated instruments of <c>Ticker:Symbols</c> (or the defaults) that the registry does not
/// know yet. Runs before the feeds start (hosted services start in registration order).
/// </summary>
internal sealed class InstrumentSeeder(InstrumentRegistry instruments, IOptions<TickerOptions> options, ILogger<InstrumentSeeder> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var symbols = options.Value.Symbols.Count > 0 ? options.Value.Symbols : TickerOptions.DefaultSymbols;
        var added = 0;
        foreach (var (symbol, price) in symbols)
        {
            if (instruments.Add(symbol, InstrumentSource.Simulated, price))
            {
                added++;
            }
        }

        InstrumentLog.Seeded(logger, added, instruments.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
