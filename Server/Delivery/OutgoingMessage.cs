using System.Runtime.InteropServices;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// One hub invocation on its way to connections, serialized at most once per hub protocol however many connections
/// take it. A message sent to a <see cref="Topic"/> reaches only connections that still hold the topic when it is
/// queued for them; a <see cref="Conflatable"/> one (a quote) may be replaced by a newer one of the same topic while a
/// connection is busy. Other messages (an <c>Unsubscribed</c> notice) are never dropped.
/// </summary>
internal sealed class OutgoingMessage(InvocationMessage message, SymbolTopic? topic, bool conflatable, long enqueuedAt, DeliveryProtocols protocols, IReadOnlyList<string>? excluded = null)
{
    private readonly byte[]?[] _bytes = new byte[]?[protocols.Count];

    public SymbolTopic? Topic { get; } = topic;

    public bool Conflatable { get; } = conflatable && topic is not null;

    /// <summary>Connections of the topic that do not get this message (<c>Clients.GroupExcept</c>).</summary>
    public IReadOnlyList<string>? Excluded { get; } = excluded;

    /// <summary>When the message entered the delivery (a <see cref="TimeProvider"/> timestamp), for the send-lag metric.</summary>
    public long EnqueuedAt { get; } = enqueuedAt;

    /// <summary>The framed bytes for a protocol. Racing callers may both serialize; either result is the same.</summary>
    public byte[] Bytes(int protocolIndex) => Volatile.Read(ref _bytes[protocolIndex]) ?? Serialize(protocolIndex);

    private byte[] Serialize(int protocolIndex)
    {
        var memory = protocols[protocolIndex].GetMessageBytes(message);
        var bytes = MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
        Volatile.Write(ref _bytes[protocolIndex], bytes);
        return bytes;
    }
}
