namespace SignalRTicker.Server.Feeds.Coinbase;

/// <summary>
/// The subscribe request Coinbase Exchange expects within 5 seconds of connecting:
/// <c>{"type":"subscribe","product_ids":[...],"channels":["ticker","heartbeat"]}</c>.
/// </summary>
public sealed record CoinbaseSubscribe(string Type, string[] ProductIds, string[] Channels);
