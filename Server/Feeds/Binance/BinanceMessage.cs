namespace SignalRTicker.Server.Feeds.Binance;

/// <summary>
/// A message on a Binance combined stream: <c>{"stream":"btcusdt@ticker","data":{...}}</c>, or an error such as
/// <c>{"code":3,"msg":"Invalid JSON..."}</c>, or the answer to a request (<c>{"result":null,"id":1}</c>).
/// </summary>
public sealed record BinanceMessage(string? Stream = null, BinanceTicker? Data = null, int? Code = null, string? Msg = null);
