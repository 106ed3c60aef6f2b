using SignalRTicker.Server.Control;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Revokes keys and tokens: tells every node at once (the control channel: the revocation list, live connections),
/// and records it in the database for restarts.
/// </summary>
public sealed class Revoker(ApiKeyStore keys, TokenStore tokens, IControlChannel channel, TimeProvider time, ILogger<Revoker> logger)
{
    /// <summary>Revokes a key and every token issued from it; false when there is no such key.</summary>
    public async Task<bool> RevokeKeyAsync(Guid keyId, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(keyId, cancellationToken))
        {
            return false;
        }

        await channel.PublishAsync(new KeyRevoked(keyId, time.GetUtcNow()), cancellationToken);
        await tokens.RevokeAllOfKeyAsync(keyId, cancellationToken);
        RevocationLog.KeyRevoked(logger, keyId);
        return true;
    }

    /// <summary>Revokes one token.</summary>
    public async Task RevokeTokenAsync(string tokenId, Guid keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await channel.PublishAsync(new TokenRevoked(tokenId, keyId, expiresAt), cancellationToken);
        await tokens.RevokeAsync(tokenId, cancellationToken);
        RevocationLog.TokenRevoked(logger, tokenId, keyId);
    }
}
