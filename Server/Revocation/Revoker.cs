using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Revocation;

/// <summary>Revokes keys and tokens: in the list checked on every request, on live connections, and in the database.</summary>
public sealed class Revoker(
    ApiKeyStore keys,
    TokenStore tokens,
    RevocationList list,
    ConnectionRegistry connections,
    IOptions<AuthOptions> authOptions,
    TimeProvider time,
    ILogger<Revoker> logger)
{
    /// <summary>Revokes a key and every token issued from it; false when there is no such key.</summary>
    public async Task<bool> RevokeKeyAsync(Guid keyId, CancellationToken cancellationToken)
    {
        if (!await keys.RevokeAsync(keyId, cancellationToken))
        {
            return false;
        }

        list.RevokeKey(keyId, KeepKeyUntil(time.GetUtcNow(), authOptions.Value));
        var closed = connections.AbortKey(keyId);
        await tokens.RevokeAllOfKeyAsync(keyId, cancellationToken);
        RevocationLog.KeyRevoked(logger, keyId, closed);
        return true;
    }

    /// <summary>Revokes one token; the list entry lasts until the token would have expired.</summary>
    public async Task RevokeTokenAsync(string tokenId, Guid keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        list.RevokeToken(tokenId, expiresAt + ConfigureJwtBearer.ClockSkew);
        var closed = connections.AbortToken(tokenId);
        await tokens.RevokeAsync(tokenId, cancellationToken);
        RevocationLog.TokenRevoked(logger, tokenId, keyId, closed);
    }

    /// <summary>A revoked key issues no more tokens, so its entry can go once the last one it issued has expired.</summary>
    internal static DateTimeOffset KeepKeyUntil(DateTimeOffset revokedAt, AuthOptions auth) =>
        revokedAt + auth.TokenLifetime + ConfigureJwtBearer.ClockSkew;
}
