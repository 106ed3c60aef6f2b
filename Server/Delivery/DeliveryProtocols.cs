using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace SignalRTicker.Server.Delivery;

/// <summary>The hub protocols the server speaks, numbered, so a message keeps one serialization per protocol.</summary>
public sealed class DeliveryProtocols(IHubProtocolResolver resolver)
{
    private readonly IHubProtocol[] _protocols = [.. resolver.AllProtocols];

    public int Count => _protocols.Length;

    public IHubProtocol this[int index] => _protocols[index];

    /// <summary>The protocol's number, or -1 when the server has no such protocol.</summary>
    public int IndexOf(IHubProtocol protocol) => Array.FindIndex(_protocols, p => p.Name == protocol.Name);
}
