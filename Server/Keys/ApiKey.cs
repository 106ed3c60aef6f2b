namespace SignalRTicker.Server.Keys;

/// <summary>An API key as stored: never the key itself, only its SHA-256 hash.</summary>
public sealed class ApiKey
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    public required string Role { get; set; }

    /// <summary>Entitled symbols; <c>["*"]</c> means every symbol.</summary>
    public List<string> Symbols { get; set; } = [];

    /// <summary>First 16 hex characters of the hash: an index to find the row before the constant-time compare.</summary>
    public required string HashPrefix { get; init; }

    public required byte[] KeyHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsRevoked => RevokedAt is not null;
}

public static class Roles
{
    public const string User = "user";
    public const string Publisher = "publisher";
    public const string Admin = "admin";

    public static bool IsValid(string? role) => role is User or Publisher or Admin;

    /// <summary>Publishers and admins may push quotes.</summary>
    public static bool MayPublish(string? role) => role is Publisher or Admin;
}
