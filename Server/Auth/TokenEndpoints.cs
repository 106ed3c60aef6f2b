using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.RateLimits;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Auth;

public sealed record TokenRequest([Required, StringLength(TokenEndpoints.MaxApiKeyLength)] string? ApiKey);

public sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn, string UserId, string Role, IReadOnlyList<string> Symbols);

public sealed record TicketResponse(string Ticket, long ExpiresIn);

public sealed record MeResponse(string UserId, string Name, string Role, IReadOnlyList<string> Symbols, DateTimeOffset? ExpiresAt);

public static class TokenEndpoints
{
    public const int MaxApiKeyLength = 256;

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");

        group.MapPost("/token", IssueToken)
            .AllowAnonymous()
            .RequireTokenRateLimit()
            .Accepts<TokenRequest>("application/json")
            .ProducesValidationProblem();

        group.MapGet("/me", Me)
            .RequireAuthorization(TickerPolicies.Subscriber);

        group.MapPost("/ticket", IssueTicket)
            .RequireAuthorization(TickerPolicies.Subscriber);

        group.MapDelete("/token", RevokeOwnToken)
            .RequireAuthorization(TickerPolicies.Subscriber);

        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request,
        ApiKeyStore store,
        TokenIssuer issuer,
        TokenStore tokens,
        HttpContext http,
        AuthRefusals refusals,
        ILogger<TokenIssuer> logger,
        CancellationToken cancellationToken)
    {
        var key = await store.FindActiveAsync(request.ApiKey!, cancellationToken);
        if (key is null)
        {
            refusals.Refuse(http, "unknown or revoked API key", "Check the API key you sent, or ask an operator for a new one.");
            // One answer for unknown and revoked keys, so a caller cannot probe which keys exist.
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Invalid API key",
                detail: "The API key is unknown or has been revoked. Check the key you sent, or ask an operator for a new one.");
        }

        var token = issuer.Issue(key);
        var userAgent = http.Request.Headers.UserAgent.ToString();
        await tokens.RecordAsync(key, new TokenRecord
        {
            Id = token.TokenId,
            KeyId = key.Id,
            ClientIp = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = userAgent.Length > TokenRecord.MaxUserAgentLength ? userAgent[..TokenRecord.MaxUserAgentLength] : userAgent,
            IssuedAt = token.IssuedAt,
            ExpiresAt = token.ExpiresAt,
        }, cancellationToken);
        AuthLog.TokenIssued(logger, key.Id, token.ExpiresAt);
        return TypedResults.Ok(new TokenResponse(
            token.AccessToken,
            "Bearer",
            (long)(token.ExpiresAt - token.IssuedAt).TotalSeconds,
            key.Id.ToString(),
            key.Role,
            key.Symbols));
    }

    /// <summary>A single-use ticket that stands for the caller's token in the hub's access_token query, for 30 seconds.</summary>
    private static Results<Ok<TicketResponse>, ProblemHttpResult> IssueTicket(ClaimsPrincipal user, HttpContext http, TicketStore tickets)
    {
        // Tickets are only read from the hub's query, so this request authenticated with the Authorization header.
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        if (tickets.Issue(token, user.ExpiresAt()!.Value) is not { } ticket)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Too many open tickets",
                detail: "The server holds too many unused tickets right now; try again in 30 seconds.");
        }

        return TypedResults.Ok(new TicketResponse(ticket, (long)TicketStore.Lifetime.TotalSeconds));
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

    private static Ok<MeResponse> Me(ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
        user.KeyId()!,
        user.FindFirstValue(TickerClaims.Name) ?? "",
        user.FindFirstValue(TickerClaims.Role) ?? "",
        [.. user.FindAll(TickerClaims.Symbols).Select(c => c.Value)],
        user.ExpiresAt()));
}
