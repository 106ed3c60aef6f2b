using SignalRTicker.Server.Control;
using SignalRTicker.Server.Errors;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Revokes keys and tokens: first in effect everywhere (the control channel: every node's revocation list and live
/// connections), then recorded in the database for restarts. When the database cannot be written the revocation stays
/// in effect, is kept in <see cref="PendingRevocations"/> for the sweep to write, and the caller is told it is not
/// durable yet: an emergency revocation must not wait for the database, nor be silently half done.
/// </summary>
public sealed class Revoker(
    ApiKeyStore keys, TokenStore tokens, PendingRevocations pending, IControlChannel channel, TimeProvider time, ILogger<Revoker> logger)
{
    /// <summary>Revokes a key and every token issued from it.</summary>
    public async Task<RevocationResult> RevokeKeyAsync(Guid keyId, CancellationToken cancellationToken)
    {
        DateTimeOffset revokedAt;
        try
        {
            if (await keys.FindAsync(keyId, cancellationToken) is not { } key)
            {
                return RevocationResult.NotFound;
            }

            revokedAt = key.RevokedAt ?? time.GetUtcNow();
        }
        catch (Exception failure) when (DatabaseFailure.Find(failure) is not null)
        {
            // The database cannot even be read: an emergency revocation takes effect all the same; the sweep finds
            // out whether the key exists when it can write.
            revokedAt = time.GetUtcNow();
        }

        await channel.PublishAsync(new KeyRevoked(keyId, revokedAt), cancellationToken);
        RevocationLog.KeyRevoked(logger, keyId);
        return await RecordAsync(keyId, cancellationToken);
    }

    /// <summary>Revokes one token.</summary>
    public async Task<RevocationResult> RevokeTokenAsync(string tokenId, Guid keyId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await channel.PublishAsync(new TokenRevoked(tokenId, keyId, expiresAt), cancellationToken);
        RevocationLog.TokenRevoked(logger, tokenId, keyId);
        return await RecordAsync(tokenId, cancellationToken);
    }

    /// <summary>Writes the revocations the database could not take before; returns how many are still waiting.</summary>
    public async Task<int> RecordPendingAsync(CancellationToken cancellationToken)
    {
        foreach (var keyId in pending.Keys)
        {
            if (await RecordAsync(keyId, cancellationToken) == RevocationResult.Recorded)
            {
                RevocationLog.Recorded(logger, $"key {keyId}");
            }
        }

        foreach (var tokenId in pending.Tokens)
        {
            if (await RecordAsync(tokenId, cancellationToken) == RevocationResult.Recorded)
            {
                RevocationLog.Recorded(logger, $"token {tokenId}");
            }
        }

        return pending.Count;
    }

    private async Task<RevocationResult> RecordAsync(Guid keyId, CancellationToken cancellationToken)
    {
        try
        {
            // False: no such key after all (an emergency revocation made while the database could not be read).
            if (await keys.RevokeAsync(keyId, cancellationToken))
            {
                await tokens.RevokeAllOfKeyAsync(keyId, cancellationToken);
            }

            pending.Recorded(keyId);
            return RevocationResult.Recorded;
        }
        catch (Exception failure) when (DatabaseFailure.Find(failure) is { } database)
        {
            if (!pending.Contains(keyId))
            {
                RevocationLog.NotRecorded(logger, $"key {keyId}", database.Message);
            }

            pending.Add(keyId);
            return RevocationResult.NotRecorded;
        }
    }

    private async Task<RevocationResult> RecordAsync(string tokenId, CancellationToken cancellationToken)
    {
        try
        {
            await tokens.RevokeAsync(tokenId, cancellationToken);
            pending.Recorded(tokenId);
            return RevocationResult.Recorded;
        }
        catch (Exception failure) when (DatabaseFailure.Find(failure) is { } database)
        {
            if (!pending.Contains(tokenId))
            {
                RevocationLog.NotRecorded(logger, $"token {tokenId}", database.Message);
            }

            pending.Add(tokenId);
            return RevocationResult.NotRecorded;
        }
    }
}
