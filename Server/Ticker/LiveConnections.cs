using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Ticker;

/// <summary>The open hub connections of this node, by connection id.</summary>
public sealed class LiveConnections(TickerMetrics metrics)
{
    private readonly ConcurrentDictionary<string, LiveConnection> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public ICollection<LiveConnection> All => _connections.Values;

    public bool TryGet(string connectionId, [NotNullWhen(true)] out LiveConnection? connection) =>
        _connections.TryGetValue(connectionId, out connection);

    internal void Add(LiveConnection connection)
    {
        if (_connections.TryAdd(connection.ConnectionId, connection))
        {
            metrics.Connections.Add(1);
        }
    }

    internal bool Remove(string connectionId, [NotNullWhen(true)] out LiveConnection? connection)
    {
        if (_connections.TryRemove(connectionId, out connection))
        {
            metrics.Connections.Add(-1);
            return true;
        }

        return false;
    }
}
