using Microsoft.Extensions.Options;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>A geometric random walk: each tick moves the price by a small normally distributed fraction.</summary>
public sealed class RandomWalkQuoteSource(IOptions<TickerOptions> options) : IQuoteSource
{
    public decimal Move(string symbol, decimal price)
    {
        var step = Math.Exp(options.Value.Volatility * NextGaussian());
        return Prices.Round(symbol, price * (decimal)step);
    }

    private static double NextGaussian()
    {
        // Box–Muller; Random.Shared is thread-safe.
        var u1 = 1.0 - Random.Shared.NextDouble();
        var u2 = Random.Shared.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
