namespace SignalRTicker.Contracts;

/// <summary>A key as listed: never the key or its hash.</summary>
public sealed record KeySummary(Guid Id, string Name, string Role, IReadOnlyList<string> Symbols, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool Revoked);
