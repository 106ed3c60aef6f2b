using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Errors;

namespace SignalRTicker.Server.Revocation;

public static class RevocationEndpoints
{
    /// <summary><c>DELETE /api/auth/token</c>: the caller revokes the token it sent.</summary>
    public static IEndpointRouteBuilder MapRevocation(this IEndpointRouteBuilder app)
    {
        app.MapDelete($"{AuthEndpoints.Path}/token", RevokeOwnToken)
            .WithTags("Auth")
            .WithSummary("Revoke the token that calls this")
            .WithMetadata(RevocationConfirmation.Instance)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(TickerPolicies.Subscriber);
        return app;
    }

    /// <summary>
    /// Revokes the token that authenticated this request; its hub connections close at once. Repeating it with the
    /// same token confirms the revocation: 204 once recorded, 503 while the database cannot take it.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeOwnToken(
        ClaimsPrincipal user, Revoker revoker, HttpContext http, CancellationToken cancellationToken)
    {
        // The Subscriber policy guarantees a subject; our tokens always carry a jti and an expiry.
        var result = await revoker.RevokeTokenAsync(
            user.FindFirstValue(TickerClaims.TokenId)!,
            Guid.Parse(user.KeyId()!),
            user.ExpiresAt()!.Value,
            cancellationToken);
        return result == RevocationResult.Recorded ? TypedResults.NoContent() : NotRecorded(http, "token");
    }

    /// <summary>
    /// 503: the revocation is in effect (refused on every request, connections closed) but not durable yet. The
    /// caller repeats the request to confirm it was recorded.
    /// </summary>
    public static ProblemHttpResult NotRecorded(HttpContext http, string what)
    {
        return RetryLater.Problem(http, StatusCodes.Status503ServiceUnavailable, RetryAfterSeconds,
            "Revoked, not yet recorded",
            $"The {what} is revoked on every node now and its connections are closed, but the database could not record it, " +
            $"so a restart before it is written would forget it. The server retries the write every few seconds; repeat this request " +
            $"after {RetryAfterSeconds} s to confirm (204 once recorded).");
    }

    public const int RetryAfterSeconds = 5;
}
