namespace SignalRTicker.ConsoleClient.Publish;

/// <summary>How the publish command's input is written.</summary>
public enum InputFormat
{
    /// <summary>One JSON object per line, in the shape of <c>QuoteInput</c>: <c>{"symbol":"ACME","price":12.5}</c>.</summary>
    JsonLines,

    /// <summary><c>symbol,price[,bid,ask,timestamp]</c> per line, or any columns a header line names.</summary>
    Csv,
}
