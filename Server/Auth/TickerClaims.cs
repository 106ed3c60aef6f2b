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

    /// <summary>The claims the server reads after validation; the others (iss, aud, iat, nbf) were checked by then.</summary>
    private static readonly string[] Kept = [Subject, Name, Role, Symbols, TokenId, Expires];

    public static string? KeyId(this ClaimsPrincipal user) => user.FindFirstValue(Subject);

    public static DateTimeOffset? ExpiresAt(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(Expires), out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>
    /// A principal with only the claims the server reads, and no reference to the parsed token. A hub connection holds
    /// its principal for as long as it is open; the validated one carries every claim twice (the token's and the
    /// identity's copies) and the parsed token, several KiB per connection.
    /// </summary>
    public static ClaimsPrincipal Compact(ClaimsPrincipal user, string issuer)
    {
        var source = user.Identity as ClaimsIdentity;
        var claims = new List<Claim>();
        foreach (var claim in user.Claims)
        {
            // The shared constant, not the token's copy of the name.
            var type = Array.Find(Kept, kept => kept == claim.Type);
            if (type is not null)
            {
                claims.Add(new Claim(type, claim.Value, claim.ValueType, issuer));
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(
            claims, source?.AuthenticationType, source?.NameClaimType ?? Name, source?.RoleClaimType ?? Role));
    }
}
