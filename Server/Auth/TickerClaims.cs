using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace SignalRTicker.Server.Auth;

/// <summary>Claim names in our tokens. Inbound claims are not remapped (MapInboundClaims = false).</summary>
public static class TickerClaims
{
    public const string Subject = JwtRegisteredClaimNames.Sub;
    public const string Name = JwtRegisteredClaimNames.Name;
    public const string Role = "role";
    public const string Symbols = "symbols";
    public const string TokenId = JwtRegisteredClaimNames.Jti;
    public const string Expires = JwtRegisteredClaimNames.Exp;

    public static string? KeyId(this ClaimsPrincipal user) => user.FindFirstValue(Subject);

    public static DateTimeOffset? ExpiresAt(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(Expires), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
}
