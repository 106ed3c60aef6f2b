using Microsoft.EntityFrameworkCore;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Keys;

/// <summary>The record of issued tokens: who got them, which are revoked, and clearing out the expired ones.</summary>
public sealed class TokenStore(TickerDbContext db, TimeProvider time)
{
    /// <summary>Records a token issued for <paramref name="key"/> and marks the key used, in one transaction.</summary>
    public async Task RecordAsync(ApiKey key, TokenRecord token, CancellationToken cancellationToken)
    {
        key.LastUsedAt = token.IssuedAt;
        db.Tokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<List<TokenRecord>> ListOfKeyAsync(Guid keyId, CancellationToken cancellationToken) =>
        [.. (await db.Tokens.AsNoTracking().Where(t => t.KeyId == keyId).ToListAsync(cancellationToken)).OrderBy(t => t.IssuedAt)];

    public async Task<TokenRecord?> FindAsync(string tokenId, CancellationToken cancellationToken) =>
        await db.Tokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken);

    public async Task RevokeAsync(string tokenId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Tokens.Where(t => t.Id == tokenId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    public async Task RevokeAllOfKeyAsync(Guid keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Tokens.Where(t => t.KeyId == keyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    /// <summary>Revoked tokens that have not expired yet, with their key and expiry.</summary>
    public async Task<List<(string TokenId, Guid KeyId, DateTimeOffset ExpiresAt)>> RevokedUnexpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. (await db.Tokens.AsNoTracking()
            .Where(t => t.RevokedAt != null && t.ExpiresAt >= now)
            .Select(t => new { t.Id, t.KeyId, t.ExpiresAt })
            .ToListAsync(cancellationToken)).Select(t => (t.Id, t.KeyId, t.ExpiresAt))];

    /// <summary>Deletes the records of tokens that expired before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        await db.Tokens.Where(t => t.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken);
}
