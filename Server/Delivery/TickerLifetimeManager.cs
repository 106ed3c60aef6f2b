using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// SignalR's in-memory lifetime manager, told to also keep <see cref="QuoteDelivery"/> informed of connections and
/// symbol-group memberships. The lifetime manager is the one place that sees each <see cref="HubConnectionContext"/>
/// (needed to write pre-serialized, coalesced frames) and every <c>Groups.AddToGroupAsync</c>, so the hub and anyone
/// using <c>IHubContext</c> keep SignalR's group model unchanged; groups still work for every other send.
/// </summary>
public sealed class TickerLifetimeManager(QuoteDelivery delivery, ILogger<DefaultHubLifetimeManager<TickerHub>> logger)
    : DefaultHubLifetimeManager<TickerHub>(logger)
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        delivery.Connect(connection);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        delivery.Disconnect(connection.ConnectionId);
        await base.OnDisconnectedAsync(connection);
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await base.AddToGroupAsync(connectionId, groupName, cancellationToken);
        delivery.Join(connectionId, groupName);
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        delivery.Leave(connectionId, groupName);
        await base.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
    }
}
