using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Feeds.Coinbase;

/// <summary>
/// Coinbase Exchange's <c>ticker</c> channel for <c>Feeds:Coinbase:Products</c>: one quote per match, with the last
/// price, the best bid and ask, and the venue's time. The <c>heartbeat</c> channel is subscribed too: it sends a
/// message per product every second, so a link that falls silent is noticed within
/// <see cref="UpstreamFeedOptions.IdleTimeout"/> even when nothing trades.
/// </summary>
public sealed class CoinbaseFeed(
    IOptions<CoinbaseFeedOptions> options,
    InstrumentRegistry instruments,
    IQuoteEngine engine,
    IFeedLeadership leadership,
    IControlChannel control,
    TickerMetrics metrics,
    TimeProvider time,
    ILogger<CoinbaseFeed> logger)
    : UpstreamFeed(InstrumentSource.Coinbase, options.Value, instruments, engine, leadership, control, metrics, time, logger)
{
    public const string TickerChannel = "ticker";
    public const string HeartbeatChannel = "heartbeat";

    protected override Uri Address => new(options.Value.Url);

    protected override ValueTask SubscribeAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var subscribe = new CoinbaseSubscribe("subscribe", [.. Symbols], [TickerChannel, HeartbeatChannel]);
        var message = JsonSerializer.SerializeToUtf8Bytes(subscribe, CoinbaseJson.Default.CoinbaseSubscribe);
        return socket.SendAsync(message.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
    }

    protected override FeedMessage Read(ReadOnlySpan<byte> message, List<PriceUpdate> prices)
    {
        var read = JsonSerializer.Deserialize(message, CoinbaseJson.Default.CoinbaseMessage);
        return read?.Type switch
        {
            "ticker" => ReadTicker(read, prices),
            "heartbeat" => FeedMessage.Heartbeat,
            "subscriptions" => FeedMessage.Subscribed(Describe(read.Channels)),
            "error" => FeedMessage.Error(read.Reason is null ? read.Message ?? "no message" : $"{read.Message}: {read.Reason}"),
            null => FeedMessage.Malformed("a message without a type"),
            var type => FeedMessage.Unknown(type),
        };
    }

    private static FeedMessage ReadTicker(CoinbaseMessage ticker, List<PriceUpdate> prices)
    {
        if (!Symbol.TryNormalise(ticker.ProductId, out var symbol))
        {
            return FeedMessage.Malformed($"a ticker whose product_id {Symbol.Describe(ticker.ProductId)} is not a product id");
        }

        if (VenuePrices.Check(symbol, ticker.Price, ticker.BestBid, ticker.BestAsk, "price", "best_bid", "best_ask") is { } wrong)
        {
            return FeedMessage.Malformed(wrong);
        }

        if (ticker.Time is not { } time)
        {
            return FeedMessage.Malformed($"a {symbol} ticker without its time");
        }

        prices.Add(VenuePrices.Update(symbol, ticker.Price!.Value, ticker.BestBid, ticker.BestAsk, time));
        return FeedMessage.Prices;
    }

    private static string Describe(CoinbaseChannel[]? channels) =>
        channels is null ? "no channels" : string.Join("; ", channels.Select(c => $"{c.Name}: {string.Join(", ", c.ProductIds ?? [])}"));
}
