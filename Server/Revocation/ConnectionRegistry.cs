using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace SignalRTicker.Server.Revocation;

/// <summary>Live hub connections by token and key, so a revocation can abort them and a key's connections can be counted.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, LiveConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, int> _perKey = [];
    private readonly Lock _gate = new();

    private sealed record LiveConnection(HubCallerContext Context, string? TokenId, Guid? KeyId);

    public int Count => _connections.Count;

    public int CountOfKey(Guid keyId)
    {
        lock (_gate)
        {
            return _perKey.GetValueOrDefault(keyId);
        }
    }

    /// <summary>Adds a connection unless its key already has <paramref name="maxPerKey"/> (null: no cap).</summary>
    public bool TryAdd(HubCallerContext context, string? tokenId, Guid? keyId, int? maxPerKey)
    {
        lock (_gate)
        {
            if (keyId is { } key)
            {
                var count = _perKey.GetValueOrDefault(key);
                if (count >= maxPerKey)
                {
                    return false;
                }

                _perKey[key] = count + 1;
            }

            _connections[context.ConnectionId] = new LiveConnection(context, tokenId, keyId);
            return true;
        }
    }

    public void Remove(string connectionId)
    {
        lock (_gate)
        {
            if (_connections.TryRemove(connectionId, out var gone) && gone.KeyId is { } key)
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
    }

    /// <summary>Aborts every connection opened with this token; returns how many.</summary>
    public int AbortToken(string tokenId) => Abort(c => c.TokenId == tokenId);

    /// <summary>Aborts every connection of this key; returns how many.</summary>
    public int AbortKey(Guid keyId) => Abort(c => c.KeyId == keyId);

    private int Abort(Func<LiveConnection, bool> match)
    {
        var aborted = 0;
        foreach (var connection in _connections.Values)
        {
            if (match(connection))
            {
                connection.Context.Abort();
                aborted++;
            }
        }

        return aborted;
    }
}
