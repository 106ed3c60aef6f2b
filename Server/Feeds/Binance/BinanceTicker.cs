using System.Text.Json.Serialization;

namespace SignalRTicker.Server.Feeds.Binance;

/// <summary>
/// The payload of <c>&lt;symbol&gt;@ticker</c> (event <c>24hrTicker</c>), with the fields the gateway reads: last price
/// <c>c</c>, best bid <c>b</c>, best ask <c>a</c> (all strings), symbol <c>s</c> and event time <c>E</c> (Unix
/// milliseconds). Binance's one-letter names differ only by case (<c>b</c> bid price, <c>B</c> bid quantity).
/// </summary>
public sealed record BinanceTicker(
    [property: JsonPropertyName("e")] string? Event = null,
    [property: JsonPropertyName("E")] long? EventTime = null,
    [property: JsonPropertyName("s")] string? Symbol = null,
    [property: JsonPropertyName("c")] decimal? LastPrice = null,
    [property: JsonPropertyName("b")] decimal? BestBid = null,
    [property: JsonPropertyName("a")] decimal? BestAsk = null);
