using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Revoked tokens (by <c>jti</c>) and keys, checked on every authenticated request. It learns of revocations from the
/// control channel, wherever they were made. Entries are kept only until every token they cover would have expired
/// anyway; the database holds the same facts for restarts and other processes.
/// </summary>
public sealed class RevocationList : IDisposable
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _keys = new();
    private readonly IDisposable[] _subscriptions;

    public RevocationList(IControlChannel channel, IOptions<AuthOptions> authOptions)
    {
        var tokenLifetime = authOptions.Value.TokenLifetime;
        _subscriptions =
        [
            channel.Subscribe<TokenRevoked>(revoked => _tokens.TryAdd(revoked.TokenId, revoked.ExpiresAt + ConfigureJwtBearer.ClockSkew)),
            // A revoked key issues no more tokens, so its entry can go once the last one it issued has expired.
            channel.Subscribe<KeyRevoked>(revoked => _keys.TryAdd(revoked.KeyId, revoked.RevokedAt + tokenLifetime + ConfigureJwtBearer.ClockSkew)),
        ];
    }

    public int Count => _tokens.Count + _keys.Count;

    public bool IsRevoked(string? tokenId, string? keyId) =>
        (tokenId is not null && _tokens.ContainsKey(tokenId))
        || (!_keys.IsEmpty && Guid.TryParse(keyId, out var key) && _keys.ContainsKey(key));

    public bool Contains(string tokenId) => _tokens.ContainsKey(tokenId);

    public bool Contains(Guid keyId) => _keys.ContainsKey(keyId);

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

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }
}
