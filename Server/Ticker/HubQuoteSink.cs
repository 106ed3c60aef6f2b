using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Quotes leave through SignalR's own API, <see cref="IHubContext{THub, T}"/>: one group send per quote, grouped into
/// one delivery batch, so each connection gets a tick's quotes in one frame.
/// </summary>
internal sealed class HubQuoteSink(IHubContext<TickerHub, ITickerClient> hub, QuoteDelivery delivery) : IQuoteSink
{
    public void Deliver(IReadOnlyList<Quote> quotes)
    {
        using var batch = delivery.BeginBatch();
        foreach (var quote in quotes)
        {
            // Completes at once: the lifetime manager only queues the quote in the batch.
            _ = hub.Clients.Group(quote.Symbol).Quote(quote);
        }
    }
}
