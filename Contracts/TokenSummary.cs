namespace SignalRTicker.Contracts;

/// <summary>A token issued from a key: who got it and when; never the token itself.</summary>
public sealed record TokenSummary(string Id, string? ClientIp, string? UserAgent, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, bool Revoked);
