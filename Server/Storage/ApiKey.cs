namespace SignalRTicker.Server.Storage;

/// <summary>An API key as stored: never the key itself, only its SHA-256 hash.</summary>
public sealed class ApiKey
{
    public const int MaxNameLength = 100;
    public const int MaxRoleLength = 16;

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

    /// <summary>When its name, symbols or role last changed; a running server applies such changes to live connections.</summary>
    public DateTimeOffset? UpdatedAt { get; set; }

    public bool IsRevoked => RevokedAt is not null;
}
