namespace SignalRTicker.Server.Feeds;

/// <summary>Where price moves come from: the next quote of a symbol, given its previous one.</summary>
public interface IQuoteSource
{
    Quote Move(Quote previous, DateTimeOffset now);
}
