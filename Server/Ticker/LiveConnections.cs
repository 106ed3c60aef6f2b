using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.SignalR.Protocol;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// The open hub connections of this node, by connection id, and how many each key holds (for its cap). Revocations
/// and entitlement changes find a token's or a key's connections here.
/// </summary>
public sealed class LiveConnections(TickerMetrics metrics, QuoteDelivery delivery)
{
    /// <summary>How long a client that has been sent a close message has to close the connection itself (wall-clock time).</summary>
    internal static readonly TimeSpan ClientCloseGrace = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, LiveConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, int> _perKey = [];
    private readonly Lock _gate = new();

    public int Count => _connections.Count;

    public ICollection<LiveConnection> All => _connections.Values;

    public bool TryGet(string connectionId, [NotNullWhen(true)] out LiveConnection? connection) =>
        _connections.TryGetValue(connectionId, out connection);

    public int CountOfKey(Guid keyId)
    {
        lock (_gate)
        {
            return _perKey.GetValueOrDefault(keyId);
        }
    }

    /// <summary>How many connections each key holds on this node (a snapshot; keys with none are left out).</summary>
    public Dictionary<Guid, int> CountsByKey()
    {
        lock (_gate)
        {
            return new Dictionary<Guid, int>(_perKey);
        }
    }

    /// <summary>The key's open connections on this node.</summary>
    public List<LiveConnection> OfKey(Guid keyId) => [.. _connections.Values.Where(c => c.KeyId == keyId)];

    /// <summary>Adds a connection unless its key already holds <paramref name="maxPerKey"/> (null: no cap).</summary>
    internal bool TryAdd(LiveConnection connection, int? maxPerKey)
    {
        lock (_gate)
        {
            if (connection.KeyId is { } key)
            {
                var count = _perKey.GetValueOrDefault(key);
                if (count >= maxPerKey)
                {
                    return false;
                }

                _perKey[key] = count + 1;
            }

            _connections[connection.ConnectionId] = connection;
        }

        metrics.Connections.Add(1);
        return true;
    }

    internal bool Remove(string connectionId, [NotNullWhen(true)] out LiveConnection? connection)
    {
        lock (_gate)
        {
            if (!_connections.TryRemove(connectionId, out connection))
            {
                return false;
            }

            if (connection.KeyId is { } key)
            {
                if (_perKey[key] <= 1)
                {
                    _perKey.Remove(key);
                }
                else
                {
                    _perKey[key]--;
                }
            }
        }

        metrics.Connections.Add(-1);
        return true;
    }

    /// <summary>Closes every connection opened with this token; returns how many.</summary>
    public int AbortToken(string tokenId) => Abort(c => c.TokenId == tokenId);

    /// <summary>Closes every connection of this key; returns how many.</summary>
    public int AbortKey(Guid keyId) => Abort(c => c.KeyId == keyId);

    /// <summary>
    /// Ends the connection with <paramref name="message"/> once it has sent what it owes: the calls it has taken end
    /// and their results are written (calls arriving later never run), then the messages queued for it, then the close
    /// message. True when it went that way; false when <paramref name="cancellationToken"/> cut the wait short and the
    /// connection was ended at once.
    /// </summary>
    public async Task<bool> CloseAsync(LiveConnection connection, CloseMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await connection.StopCallsAsync().WaitAsync(cancellationToken);
            await connection.Writer.FinishAsync().WaitAsync(cancellationToken);
            delivery.Close(connection.Writer);
            // Through SignalR's own writer, behind the results it has written: the client acts on the close message
            // and drops whatever follows it.
            await connection.Connection.WriteAsync(message, cancellationToken);
            // The client closes the connection when it reads the message. Ending it here first could reset the socket
            // with the message still unread (a proxy in between drops what it has not passed on).
            if (!await EndedAsync(connection, ClientCloseGrace, cancellationToken))
            {
                connection.Connection.Abort();
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            connection.Abort();
            return false;
        }
    }

    /// <summary>Waits up to <paramref name="grace"/> for the connection to end; true when it did.</summary>
    private static async Task<bool> EndedAsync(LiveConnection connection, TimeSpan grace, CancellationToken cancellationToken)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = connection.Connection.ConnectionAborted.Register(() => ended.TrySetResult());
        try
        {
            await ended.Task.WaitAsync(grace, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private int Abort(Func<LiveConnection, bool> match)
    {
        var aborted = 0;
        foreach (var connection in _connections.Values)
        {
            if (match(connection))
            {
                connection.Abort();
                aborted++;
            }
        }

        return aborted;
    }
}
