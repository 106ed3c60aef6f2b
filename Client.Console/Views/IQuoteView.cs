using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>Shows what a <see cref="TickerConnection"/> receives, until cancelled or its output goes away.</summary>
public interface IQuoteView
{
    /// <summary>Attaches to the connection and the stale watch before the first await, so nothing is missed; returns without throwing.</summary>
    Task RunAsync(TickerConnection connection, StaleWatch stale, CancellationToken cancellationToken);
}
