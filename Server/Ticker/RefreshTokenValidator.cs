using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Checks a token a live connection sends to replace its own, exactly as the bearer handler checks one at connect:
/// the same validation parameters (signature with the current and previous signing keys, issuer, audience, HS256
/// only, lifetime with the 5 s skew), then revocation of the token and of its key.
/// </summary>
public sealed class RefreshTokenValidator(IOptionsMonitor<JwtBearerOptions> bearer, RevocationList revocations)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token's key, id and expiry; or why it is refused, in words for the client.</summary>
    public async Task<(ValidatedToken? Token, string? Refusal)> ValidateAsync(string? accessToken)
    {
        if (string.IsNullOrWhiteSpace(accessToken))
        {
            return (null, "RefreshToken needs an access token from POST /api/auth/token.");
        }

        if (TicketStore.IsTicket(accessToken))
        {
            return (null, "A connection ticket cannot refresh a connection; send an access token from POST /api/auth/token.");
        }

        var parameters = bearer.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await _handler.ValidateTokenAsync(accessToken, parameters);
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenExpiredException => "The token has expired; get a new one from POST /api/auth/token.",
                SecurityTokenNotYetValidException => "The token is not valid yet; check the clocks.",
                _ => "The token is not valid: it was not issued by this gateway, or it was altered.",
            });
        }

        var identity = result.ClaimsIdentity;
        var keyId = Guid.TryParse(identity.FindFirst(TickerClaims.Subject)?.Value, out var key) ? key : (Guid?)null;
        var tokenId = identity.FindFirst(TickerClaims.TokenId)?.Value;
        var expires = long.TryParse(identity.FindFirst(TickerClaims.Expires)?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        if (keyId is null || tokenId is null || expires is null)
        {
            return (null, "The token is not valid: it lacks its key, id or expiry.");
        }

        if (revocations.IsRevoked(tokenId, keyId.Value.ToString()))
        {
            return (null, "The token, or the key it was issued from, has been revoked.");
        }

        return (new ValidatedToken(keyId.Value, tokenId, expires.Value, new ClaimsPrincipal(identity)), null);
    }
}
