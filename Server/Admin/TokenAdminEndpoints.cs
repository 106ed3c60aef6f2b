using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Admin;

/// <summary><c>/api/admin/tokens</c>: revoke one token by its id, as listed under its key.</summary>
internal static class TokenAdminEndpoints
{
    /// <summary>Token ids are a jti of 32 hex characters; anything much longer is not one.</summary>
    private const int MaxTokenIdLength = 64;

    public static RouteGroupBuilder MapTokenAdmin(this RouteGroupBuilder admin)
    {
        admin.MapDelete("/tokens/{tokenId}", Revoke)
            .WithSummary("Revoke one token by its id")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return admin;
    }

    /// <summary>Revokes one token; its hub connections close at once.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string tokenId, TokenStore tokens, Revoker revoker, HttpContext http, CancellationToken cancellationToken)
    {
        if (tokenId.Length > MaxTokenIdLength || await tokens.FindAsync(tokenId, cancellationToken) is not { } token)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such token",
                detail: $"There is no unexpired token with that id. GET {AdminEndpoints.Path}/keys/{{id}}/tokens lists a key's tokens.");
        }

        return await revoker.RevokeTokenAsync(token.Id, token.KeyId, token.ExpiresAt, cancellationToken) == RevocationResult.Recorded
            ? TypedResults.NoContent()
            : RevocationEndpoints.NotRecorded(http, "token");
    }
}
