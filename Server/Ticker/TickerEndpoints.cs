using Microsoft.Extensions.Options;
using SignalRTicker.Server.Delivery;

namespace SignalRTicker.Server.Ticker;

public static class TickerEndpoints
{
    /// <summary>The hub at <see cref="TickerHub.Path"/>, and the read API: instruments and their history.</summary>
    public static IEndpointRouteBuilder MapTicker(this IEndpointRouteBuilder app)
    {
        var slowConsumerTimeout = app.ServiceProvider.GetRequiredService<IOptions<DeliveryOptions>>().Value.SlowConsumerTimeout;
        app.MapHub<TickerHub>(TickerHub.Path, options =>
        {
            // A connection ends when its token expires, and an in-band refresh moves that: ConnectionExpiry checks it,
            // not SignalR, whose check keeps the expiry captured at connect.
            options.CloseOnAuthenticationExpiration = false;

            // SignalR's own send (a ping waiting behind a stalled quote frame) must not cut a slow client off before
            // Delivery:SlowConsumerTimeout does, with its reason logged and counted; by default it would after 10 s.
            options.TransportSendTimeout = slowConsumerTimeout + TimeSpan.FromSeconds(10);
        });

        app.MapSymbols();
        return app;
    }
}
