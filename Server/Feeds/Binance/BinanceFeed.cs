using System.Text.Json;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Feeds.Binance;

/// <summary>
/// Binance spot prices for <c>Feeds:Binance:Symbols</c>, on one combined stream
/// (<c>/stream?streams=btcusdt@ticker/ethusdt@ticker</c>).
/// </summary>
/// <remarks>
/// <c>@ticker</c> is the one stream whose every message carries all a quote needs: the last price, the best bid and
/// ask, and the venue's event time, once a second per symbol. <c>@bookTicker</c> is real-time but has no last price
/// and no timestamp; <c>@trade</c> has no bid or ask; combining them doubles the messages and still leaves book
/// updates without the venue's time. A quote a second per symbol is what subscribers can read anyway. Binance's pings
/// are answered by <see cref="System.Net.WebSockets.ClientWebSocket"/> itself, and its disconnect after 24 hours is a
/// drop like any other: the feed connects again.
/// </remarks>
public sealed class BinanceFeed(
    IOptions<BinanceFeedOptions> options,
    InstrumentRegistry instruments,
    IQuoteEngine engine,
    IFeedLeadership leadership,
    IControlChannel control,
    TickerMetrics metrics,
    TimeProvider time,
    ILogger<BinanceFeed> logger)
    : UpstreamFeed(InstrumentSource.Binance, options.Value, instruments, engine, leadership, control, metrics, time, logger)
{
    public const string TickerEvent = "24hrTicker";

    /// <summary>The last millisecond a <see cref="DateTimeOffset"/> can hold (the end of year 9999).</summary>
    private const long MaxUnixMilliseconds = 253_402_300_799_999;

    /// <summary>The stream a symbol's quotes come from: Binance names streams in lower case.</summary>
    public static string StreamName(string symbol) => $"{symbol.ToLowerInvariant()}@ticker";

    protected override Uri Address =>
        new($"{options.Value.Url.TrimEnd('/')}/stream?streams={string.Join('/', Symbols.Select(StreamName))}");

    protected override FeedMessage Read(ReadOnlySpan<byte> message, List<PriceUpdate> prices)
    {
        var read = JsonSerializer.Deserialize(message, BinanceJson.Default.BinanceMessage);
        if (read is null)
        {
            return FeedMessage.Malformed("null instead of a message");
        }

        if (read.Code is { } code)
        {
            // The gateway sends Binance no requests, so an error means the venue did not understand the connection.
            return FeedMessage.Error($"code {code}: {read.Msg}");
        }

        if (read.Data is not { } data)
        {
            return read.Stream is null ? FeedMessage.Unknown("a message without stream data") : FeedMessage.Malformed($"stream {read.Stream} without data");
        }

        if (data.Event != TickerEvent)
        {
            return data.Event is null ? FeedMessage.Malformed($"data of stream {read.Stream} without an event type") : FeedMessage.Unknown(data.Event);
        }

        if (!Symbol.TryNormalise(data.Symbol, out var symbol))
        {
            return FeedMessage.Malformed($"a ticker whose symbol {Symbol.Describe(data.Symbol)} is not a symbol");
        }

        if (VenuePrices.Check(symbol, data.LastPrice, data.BestBid, data.BestAsk, "c (last price)", "b (best bid)", "a (best ask)") is { } wrong)
        {
            return FeedMessage.Malformed(wrong);
        }

        if (data.EventTime is not { } eventTime || eventTime is < 0 or > MaxUnixMilliseconds)
        {
            return FeedMessage.Malformed($"a {symbol} ticker without a usable E (event time)");
        }

        prices.Add(VenuePrices.Update(symbol, data.LastPrice!.Value, data.BestBid, data.BestAsk, DateTimeOffset.FromUnixTimeMilliseconds(eventTime)));
        return FeedMessage.Prices;
    }
}
