using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Auth;

/// <summary>Mints short-lived HS256 JWTs for API keys. Times come from the injected <see cref="TimeProvider"/>.</summary>
public sealed class TokenIssuer(SigningKeys signingKeys, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(ApiKey key)
    {
        var auth = options.Value;
        var now = time.GetUtcNow();
        // JWT times have whole-second precision; round so expiresIn and exp agree.
        now = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        var expires = now + auth.TokenLifetime;
        var tokenId = Guid.NewGuid().ToString("N");
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = signingKeys.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [TickerClaims.Subject] = key.Id.ToString(),
                [TickerClaims.Name] = key.Name,
                [TickerClaims.Role] = key.Role,
                [TickerClaims.Symbols] = key.Symbols.ToArray(),
                [TickerClaims.TokenId] = tokenId,
            },
        });
        return new IssuedToken(token, tokenId, now, expires);
    }
}
