namespace SignalRTicker.Server.Storage;

/// <summary>
/// A token this server issued: who got it and when, so an operator can see and revoke it. Never the token itself.
/// Rows are deleted once the token has expired (see the revocation sweeper).
/// </summary>
public sealed class TokenRecord
{
    public const int MaxUserAgentLength = 256;

    /// <summary>The token's <c>jti</c>.</summary>
    public required string Id { get; init; }

    public required Guid KeyId { get; init; }

    public string? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    public DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }
}
