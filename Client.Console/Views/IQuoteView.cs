using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>Shows what a <see cref="TickerConnection"/> receives, until cancelled or its output goes away.</summary>
public interface IQuoteView
{
    /// <summary>Attaches to the connection before the first await, so no quote is missed; returns without throwing.</summary>
    Task RunAsync(TickerConnection connection, CancellationToken cancellationToken);
}
