using System.Collections.Concurrent;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Revoked tokens (by <c>jti</c>) and keys, checked on every authenticated request. Entries are kept only until every
/// token they cover would have expired anyway; the database holds the same facts for restarts and other processes.
/// </summary>
public sealed class RevocationList
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _keys = new();

    public int Count => _tokens.Count + _keys.Count;

    public bool IsRevoked(string? tokenId, string? keyId) =>
        (tokenId is not null && _tokens.ContainsKey(tokenId))
        || (!_keys.IsEmpty && Guid.TryParse(keyId, out var key) && _keys.ContainsKey(key));

    /// <summary>False when the token was already listed.</summary>
    public bool RevokeToken(string tokenId, DateTimeOffset keepUntil) => _tokens.TryAdd(tokenId, keepUntil);

    /// <summary>False when the key was already listed.</summary>
    public bool RevokeKey(Guid keyId, DateTimeOffset keepUntil) => _keys.TryAdd(keyId, keepUntil);

    /// <summary>Drops the entries whose tokens have all expired; returns how many.</summary>
    public int Purge(DateTimeOffset now)
    {
        var purged = 0;
        foreach (var (tokenId, until) in _tokens)
        {
            if (until < now && _tokens.TryRemove(new KeyValuePair<string, DateTimeOffset>(tokenId, until)))
            {
                purged++;
            }
        }

        foreach (var (keyId, until) in _keys)
        {
            if (until < now && _keys.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(keyId, until)))
            {
                purged++;
            }
        }

        return purged;
    }
}
