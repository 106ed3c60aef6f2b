using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Revocation;

/// <summary>Revokes keys and tokens: in the database, in the in-memory list checked on every request, and on live connections.</summary>
public sealed class Revoker(ApiKeyStore store)
{
    /// <summary>Revokes a key and every token issued from it; false when there is no such key.</summary>
    public async Task<bool> RevokeKeyAsync(Guid keyId, CancellationToken cancellationToken) =>
        await store.RevokeAsync(keyId, cancellationToken);
}
