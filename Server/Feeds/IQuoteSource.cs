namespace SignalRTicker.Server.Feeds;

/// <summary>Where simulated price moves come from: the next price of a symbol, given its current one.</summary>
public interface IQuoteSource
{
    decimal Move(string symbol, decimal price);
}
