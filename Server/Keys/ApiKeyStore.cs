using Microsoft.EntityFrameworkCore;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Keys;

/// <summary>Creates, finds and revokes API keys. Keys are found by a hash prefix, then compared in constant time.</summary>
public sealed class ApiKeyStore(TickerDbContext db, TimeProvider time)
{
    /// <summary>The active key for a presented secret, or null when it is unknown or revoked (callers answer both alike).</summary>
    public async Task<ApiKey?> FindActiveAsync(string secret, CancellationToken cancellationToken)
    {
        var match = await FindByHashAsync(ApiKeySecret.Hash(secret), cancellationToken);
        return match is { IsRevoked: false } ? match : null;
    }

    /// <summary>Creates a key from a fresh random secret; the secret is returned once and never stored.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, string role, List<string> symbols, CancellationToken cancellationToken)
    {
        var secret = ApiKeySecret.Generate();
        var key = await AddAsync(secret, name, role, symbols, cancellationToken);
        return (key, secret);
    }

    /// <summary>Makes sure a key with this secret exists (configured seed keys); does nothing when it already does.</summary>
    public async Task<bool> EnsureAsync(string secret, string name, string role, List<string> symbols, CancellationToken cancellationToken)
    {
        if (await FindByHashAsync(ApiKeySecret.Hash(secret), cancellationToken) is not null)
        {
            return false;
        }

        try
        {
            await AddAsync(secret, name, role, symbols, cancellationToken);
            return true;
        }
        catch (DbUpdateException failure) when (UniqueViolation.Caused(failure))
        {
            // Another server starting on the same database made it between the look-up and the insert.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>The key with this id, revoked or not; null when there is none.</summary>
    public async Task<ApiKey?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id, cancellationToken);

    /// <summary>Every key, oldest first, revoked ones included.</summary>
    public async Task<List<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken)).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)];

    /// <summary>Marks a key revoked; false when no such key exists. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FindAsync([id], cancellationToken);
        if (key is null)
        {
            return false;
        }

        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Changes a key's name, symbols or role (null leaves one as it is); the key as it is now, or null when there is no
    /// such key. The change time lets a running server (every node) find and apply it.
    /// </summary>
    public async Task<ApiKey?> UpdateAsync(Guid id, string? name, List<string>? symbols, string? role, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FindAsync([id], cancellationToken);
        if (key is null)
        {
            return null;
        }

        key.Name = name ?? key.Name;
        key.Symbols = symbols ?? key.Symbols;
        key.Role = role ?? key.Role;
        key.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <summary>Keys changed at or after <paramref name="since"/>.</summary>
    public async Task<List<ApiKey>> ChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        await db.ApiKeys.AsNoTracking().Where(k => k.UpdatedAt != null && k.UpdatedAt >= since).ToListAsync(cancellationToken);

    /// <summary>Keys revoked at or after <paramref name="since"/>, with the time each was revoked.</summary>
    public async Task<List<(Guid Id, DateTimeOffset RevokedAt)>> RevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        [.. (await db.ApiKeys.AsNoTracking()
            .Where(k => k.RevokedAt != null && k.RevokedAt >= since)
            .Select(k => new { k.Id, k.RevokedAt })
            .ToListAsync(cancellationToken)).Select(k => (k.Id, k.RevokedAt!.Value))];

    private async Task<ApiKey?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken)
    {
        var prefix = ApiKeySecret.HashPrefix(hash);
        var candidates = await db.ApiKeys.Where(k => k.HashPrefix == prefix).ToListAsync(cancellationToken);
        return candidates.FirstOrDefault(k => ApiKeySecret.Matches(k.KeyHash, hash));
    }

    private async Task<ApiKey> AddAsync(string secret, string name, string role, List<string> symbols, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecret.Hash(secret);
        var key = new ApiKey
        {
            Name = name,
            Role = role,
            Symbols = symbols,
            KeyHash = hash,
            HashPrefix = ApiKeySecret.HashPrefix(hash),
            CreatedAt = time.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }
}
