using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Refuses a well-signed, in-date token whose <c>jti</c> or key has been revoked, before Auth accepts it; only the
/// endpoint that revokes it (<see cref="RevocationConfirmation"/>) still takes it, to confirm the revocation.
/// </summary>
internal sealed class RevocationCheck(RevocationList revocations) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var validated = options.Events.OnTokenValidated;
        options.Events.OnTokenValidated = context =>
        {
            if (context.Principal is { } user && revocations.IsRevoked(user.FindFirst(TickerClaims.TokenId)?.Value, user.KeyId())
                && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RevocationConfirmation>() is null)
            {
                context.Fail(new SecurityTokenRefusedException("token revoked",
                    "token revoked - request a new one at POST /api/auth/token with a key that is still valid"));
                return Task.CompletedTask;
            }

            return validated(context);
        };
    }
}
