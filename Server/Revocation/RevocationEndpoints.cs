using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.Revocation;

public static class RevocationEndpoints
{
    /// <summary><c>DELETE /api/auth/token</c>: the caller revokes the token it sent.</summary>
    public static IEndpointRouteBuilder MapRevocation(this IEndpointRouteBuilder app)
    {
        app.MapDelete($"{AuthEndpoints.Path}/token", RevokeOwnToken)
            .WithTags("Auth")
            .RequireAuthorization(TickerPolicies.Subscriber);
        return app;
    }

    /// <summary>Revokes the token that authenticated this request; its hub connections close at once.</summary>
    private static async Task<NoContent> RevokeOwnToken(ClaimsPrincipal user, Revoker revoker, CancellationToken cancellationToken)
    {
        // The Subscriber policy guarantees a subject; our tokens always carry a jti and an expiry.
        await revoker.RevokeTokenAsync(
            user.FindFirstValue(TickerClaims.TokenId)!,
            Guid.Parse(user.KeyId()!),
            user.ExpiresAt()!.Value,
            cancellationToken);
        return TypedResults.NoContent();
    }
}
