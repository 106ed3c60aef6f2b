namespace SignalRTicker.Server.Instruments;

/// <summary>Rounding and the derived fields of a quote.</summary>
public static class Prices
{
    private static readonly string[] CryptoQuoteCurrencies = ["-BTC", "-ETH"];

    /// <summary>Eight decimals when quoted in a crypto currency (ETH-BTC), two otherwise (fiat, as the contract says).</summary>
    public static int Decimals(string symbol) =>
        CryptoQuoteCurrencies.Any(suffix => symbol.EndsWith(suffix, StringComparison.Ordinal)) ? 8 : 2;

    /// <summary>Rounds to the symbol's precision and never below its smallest step, so prices stay positive.</summary>
    public static decimal Round(string symbol, decimal price)
    {
        var decimals = Decimals(symbol);
        var smallest = 1m / (decimal)Math.Pow(10, decimals);
        return Math.Max(smallest, Math.Round(price, decimals, MidpointRounding.ToEven));
    }

    /// <summary>A simulated instrument's quote before its first tick: its price, no change, its sequence so far.</summary>
    public static Quote Opening(string symbol, decimal price, decimal reference, long sequence, DateTimeOffset timestamp) =>
        Quote(symbol, price, reference, sequence, timestamp);

    /// <summary>A quote with its change against <paramref name="reference"/> (percent rounded to two decimals).</summary>
    public static Quote Quote(string symbol, decimal price, decimal reference, long sequence, DateTimeOffset timestamp, decimal? bid = null, decimal? ask = null)
    {
        var change = price - reference;
        var changePercent = reference == 0 ? 0 : Math.Round(change / reference * 100m, 2);
        return new Quote(symbol, price, change, changePercent, sequence, timestamp, bid, ask);
    }
}
