namespace SignalRTicker.Contracts;

/// <summary>Who the caller's token says they are: <c>GET /api/auth/me</c>.</summary>
public sealed record MeResponse(string UserId, string Name, string Role, IReadOnlyList<string> Symbols, DateTimeOffset? ExpiresAt);
