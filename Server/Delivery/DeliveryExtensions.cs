using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Delivery;

public static class DeliveryExtensions
{
    /// <summary>Per-connection, conflating, coalescing fan-out of quotes, fed by SignalR's group memberships.</summary>
    public static IHostApplicationBuilder AddQuoteDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<QuoteDelivery>();
        // A closed registration wins over AddSignalR's open-generic DefaultHubLifetimeManager<>.
        builder.Services.AddSingleton<HubLifetimeManager<TickerHub>, TickerLifetimeManager>();
        return builder;
    }
}
