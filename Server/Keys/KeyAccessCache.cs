using System.Collections.Concurrent;
using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Keys;

/// <summary>
/// The current access of each key that has been used, read from the database once and kept up to date by
/// <see cref="KeyChanged"/> messages (a PATCH on this node or another, or the keys command, which
/// <see cref="KeyChangeSweeper"/> finds in the database).
/// </summary>
public sealed class KeyAccessCache
{
    private readonly ConcurrentDictionary<Guid, KeyAccess> _keys = new();
    private readonly IServiceScopeFactory _scopes;

    public KeyAccessCache(IServiceScopeFactory scopes, IControlChannel control)
    {
        _scopes = scopes;
        // For the life of the server: the cache is a singleton.
        _ = control.Subscribe<KeyChanged>(changed => Apply(changed.Access));
    }

    /// <summary>The key's access now; null when there is no such key.</summary>
    public async ValueTask<KeyAccess?> GetAsync(Guid keyId, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(keyId, out var access))
        {
            return access;
        }

        await using var scope = _scopes.CreateAsyncScope();
        if (await scope.ServiceProvider.GetRequiredService<ApiKeyStore>().FindAsync(keyId, cancellationToken) is not { } key)
        {
            return null;
        }

        // A change that arrived while the database was read wins over what was read.
        return _keys.GetOrAdd(keyId, KeyAccess.Of(key));
    }

    /// <summary>The access the cache holds for the key, without reading the database; null when not cached.</summary>
    public KeyAccess? Cached(Guid keyId) => _keys.GetValueOrDefault(keyId);

    /// <summary>Takes a newer access for the key; an older one (a late message) is ignored.</summary>
    internal void Apply(KeyAccess access) =>
        _keys.AddOrUpdate(access.KeyId, access, (_, current) => current.UpdatedAt > access.UpdatedAt ? current : access);
}
