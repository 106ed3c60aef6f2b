namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>
/// Messages in the shapes Coinbase Exchange documents for its WebSocket feed
/// (docs.cdp.coinbase.com/exchange/websocket-feed): prices and sizes as strings, <c>sequence</c> and <c>trade_id</c> as
/// numbers, <c>time</c> in ISO 8601 with microseconds, and the fields the gateway does not read left in.
/// </summary>
public static class CoinbaseMessages
{
    public static string Ticker(string product, string price, string bestBid, string bestAsk, string time, long sequence) => $$"""
        {"type":"ticker","sequence":{{sequence}},"product_id":"{{product}}","price":"{{price}}","open_24h":"1310.79","volume_24h":"245532.79269678","low_24h":"1280.52","high_24h":"1313.8","volume_30d":"9788783.60117027","best_bid":"{{bestBid}}","best_bid_size":"0.46688654","best_ask":"{{bestAsk}}","best_ask_size":"1.56637040","side":"buy","time":"{{time}}","trade_id":370843401,"last_size":"11.4396987"}
        """;

    public static string Subscriptions(params string[] products)
    {
        var ids = string.Join(",", products.Select(p => $"\"{p}\""));
        return $$"""{"type":"subscriptions","channels":[{"name":"ticker","product_ids":[{{ids}}]},{"name":"heartbeat","product_ids":[{{ids}}]}]}""";
    }

    public static string Heartbeat(string product, string time) =>
        $$"""{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"{{product}}","time":"{{time}}"}""";

    public static string Error(string message, string reason) =>
        $$"""{"type":"error","message":"{{message}}","reason":"{{reason}}"}""";

    /// <summary>A type the gateway does not subscribe to; venues may send new types at any time.</summary>
    public static string Status() =>
        """{"type":"status","products":[{"id":"BTC-USD","base_currency":"BTC","quote_currency":"USD","status":"online"}],"currencies":[]}""";
}
