using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Delivery;

public static class DeliveryExtensions
{
    /// <summary>Per-connection, coalescing, conflating fan-out of hub messages by topic.</summary>
    public static IHostApplicationBuilder AddQuoteDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<DeliveryProtocols>();
        builder.Services.AddSingleton<QuoteDelivery>();

        // Linux lets a loopback or LAN socket's send buffer grow to megabytes when nobody reads it, which hides a
        // stalled client from the delivery for minutes and is memory no conflation can bound. A fixed send buffer
        // (set on the listening socket, inherited by accepted ones) keeps that backlog small; 0 keeps the OS default.
        builder.Services.AddOptions<SocketTransportOptions>().Configure<IOptions<DeliveryOptions>>((sockets, delivery) =>
        {
            var bytes = delivery.Value.SocketSendBufferBytes;
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
    /// Hands each WebSocket under <paramref name="hubPath"/> to the delivery as a <see cref="SharedWebSocket"/>, so
    /// frames go straight to the socket. Call before the hub is mapped.
    /// </summary>
    public static WebApplication UseQuoteDelivery(this WebApplication app, PathString hubPath)
    {
        // SignalR adds the WebSockets middleware inside its own endpoint; added here, before it, the socket feature
        // exists in time to be wrapped (SignalR's then leaves the feature it finds in place).
        app.UseWebSockets();
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(hubPath),
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
