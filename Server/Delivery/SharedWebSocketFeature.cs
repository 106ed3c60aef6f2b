using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Features;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// Wraps the request's <see cref="IHttpWebSocketFeature"/> so the socket SignalR accepts for a hub connection is a
/// <see cref="SharedWebSocket"/>, and leaves that socket in the request's features for the delivery to
/// find from the <c>HubConnectionContext</c>.
/// </summary>
internal sealed class SharedWebSocketFeature(IHttpWebSocketFeature inner, IFeatureCollection features) : IHttpWebSocketFeature
{
    public bool IsWebSocketRequest => inner.IsWebSocketRequest;

    public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext context)
    {
        var socket = new SharedWebSocket(await inner.AcceptAsync(context));
        features.Set(socket);
        return socket;
    }
}
