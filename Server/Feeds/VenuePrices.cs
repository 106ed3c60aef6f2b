using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>The checks and clean-up every venue's prices get before they become a <see cref="PriceUpdate"/>.</summary>
public static class VenuePrices
{
    /// <summary>
    /// Why a venue's price, bid and ask cannot be used (named by the venue's field names), or null when they can: the
    /// price must be there and positive, a bid or ask positive when there.
    /// </summary>
    public static string? Check(string symbol, decimal? price, decimal? bid, decimal? ask, string priceField, string bidField, string askField)
    {
        if (price is not > 0)
        {
            return price is null ? $"a {symbol} quote without {priceField}" : $"a {symbol} quote whose {priceField} is not positive";
        }

        if (bid is <= 0)
        {
            return $"a {symbol} quote whose {bidField} is not positive";
        }

        return ask is <= 0 ? $"a {symbol} quote whose {askField} is not positive" : null;
    }

    /// <summary>
    /// A price update in the venue's own time. Venues pad decimals ("4388.01000000"); the padding is dropped so clients
    /// see 4388.01, the same number.
    /// </summary>
    public static PriceUpdate Update(string symbol, decimal price, decimal? bid, decimal? ask, DateTimeOffset timestamp) =>
        new(symbol, Unpadded(price), bid is { } b ? Unpadded(b) : null, ask is { } a ? Unpadded(a) : null, timestamp.ToUniversalTime());

    /// <summary>The same value at its smallest scale: dividing by 1 written with many zeros strips trailing zeros.</summary>
    private static decimal Unpadded(decimal value) => value / 1.000000000000000000000000000000000m;
}
