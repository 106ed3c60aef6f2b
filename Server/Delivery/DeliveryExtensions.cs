using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
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

        // Linux lets a loopback or LAN socket's send buffer grow to megabytes when nobody reads it, which hides a
        // stalled client from the delivery for minutes and is memory no conflation can bound. A fixed send buffer
        // (set on the listening socket, inherited by accepted ones) keeps that backlog small; 0 keeps the OS default.
        builder.Services.AddOptions<SocketTransportOptions>().Configure<IOptions<TickerOptions>>((sockets, ticker) =>
        {
            // Kestrel queues each socket send to its I/O threads; inline scheduling sends on the thread that flushed
            // instead (off by default: it measured no gain).
            sockets.UnsafePreferInlineScheduling = ticker.Value.InlineSocketScheduling;
            var bytes = ticker.Value.SocketSendBufferBytes;
            if (bytes > 0)
            {
                sockets.CreateBoundListenSocket = endpoint =>
                {
                    var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                    socket.SendBufferSize = bytes;
                    return socket;
                };
            }
        });
        return builder;
    }

    /// <summary>
    /// Hands each hub WebSocket to the delivery as a <see cref="SharedWebSocket"/>, so quote frames go straight to the
    /// socket. Call before the hub is mapped.
    /// </summary>
    public static WebApplication UseQuoteDelivery(this WebApplication app)
    {
        // SignalR adds the WebSockets middleware inside its own endpoint; added here, before it, the socket feature
        // exists in time to be wrapped (SignalR's then leaves the feature it finds in place).
        app.UseWebSockets();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(TickerHub.Path),
            hub => hub.Use((context, next) =>
            {
                if (context.Features.Get<IHttpWebSocketFeature>() is { IsWebSocketRequest: true } webSockets)
                {
                    context.Features.Set<IHttpWebSocketFeature>(new SharedWebSocketFeature(webSockets, context.Features));
                }

                return next(context);
            }));
        return app;
    }
}
