namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>
/// Messages in the shapes Binance documents for its spot WebSocket streams (binance-spot-api-docs,
/// web-socket-streams.md): a combined stream wraps each payload as <c>{"stream":...,"data":...}</c>; the
/// <c>@ticker</c> payload has one-letter names that differ by case, prices as strings and times in Unix milliseconds.
/// </summary>
public static class BinanceMessages
{
    public static string Ticker(string symbol, string last, string bid, string ask, long eventTime) => $$$"""
        {"stream":"{{{symbol.ToLowerInvariant()}}}@ticker","data":{"e":"24hrTicker","E":{{{eventTime}}},"s":"{{{symbol}}}","p":"0.0015","P":"250.00","w":"0.0018","x":"0.0009","c":"{{{last}}}","Q":"10","b":"{{{bid}}}","B":"10","a":"{{{ask}}}","A":"100","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18","O":0,"C":86400000,"F":0,"L":18150,"n":18151}}
        """;

    /// <summary>Binance's answer to a request it could not parse.</summary>
    public static string Error(int code, string message) => $$"""{"code":{{code}},"msg":"{{message}}"}""";
}
