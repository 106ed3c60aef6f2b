using System.Security.Claims;

namespace SignalRTicker.Server.Ticker;

/// <summary>A token that passed every check: whose it is, its id and its expiry.</summary>
public sealed record ValidatedToken(Guid KeyId, string TokenId, DateTimeOffset ExpiresAt, ClaimsPrincipal Principal);
