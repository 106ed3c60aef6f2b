using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Errors;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Auth;

public static class AuthEndpoints
{
    public const string Path = "/api/auth";

    /// <summary>Generated keys are 47 characters; this leaves room for configured ones and refuses junk early.</summary>
    public const int MaxApiKeyLength = 256;

    /// <summary>POST /api/auth/token (an API key for a JWT), GET /api/auth/me, POST /api/auth/ticket.</summary>
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Auth");

        group.MapPost("/token", IssueToken)
            .AllowAnonymous()
            .WithMetadata(ApiKeyExchange.Instance)
            .WithSummary("Exchange an API key for an access token")
            .Accepts<TokenRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/me", Me)
            .WithSummary("Who the token belongs to and what it may see")
            .RequireAuthorization(TickerPolicies.Subscriber);

        group.MapPost("/ticket", IssueTicket)
            .WithSummary("A single-use ticket for the hub's access_token query (browsers)")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(TickerPolicies.Subscriber);

        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueToken(
        TokenRequest request,
        ApiKeyStore store,
        TokenIssuer issuer,
        TokenStore tokens,
        HttpContext http,
        ILogger<TokenIssuer> logger,
        CancellationToken cancellationToken)
    {
        // Checked here: the validation that AddValidation generates does not reach types of another assembly (Contracts).
        if (Validate(request) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "The token request is not valid");
        }

        var key = await store.FindActiveAsync(request.ApiKey!, cancellationToken);
        if (key is null)
        {
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
        AuthLog.TokenIssued(logger, key.Id, token.TokenId, token.ExpiresAt);
        return TypedResults.Ok(new TokenResponse(
            token.AccessToken,
            "Bearer",
            (long)(token.ExpiresAt - token.IssuedAt).TotalSeconds,
            key.Id.ToString(),
            key.Role,
            key.Symbols));
    }

    private static Dictionary<string, string[]>? Validate(TokenRequest request) => request.ApiKey switch
    {
        null or "" => new() { ["apiKey"] = ["Send your API key in the body as {\"apiKey\": \"stk_...\"}."] },
        { Length: > MaxApiKeyLength } => new() { ["apiKey"] = [$"An API key is at most {MaxApiKeyLength} characters; check what you sent."] },
        _ => null,
    };

    /// <summary>A single-use ticket that stands for the caller's token in the hub's access_token query, for 30 seconds.</summary>
    private static async Task<Results<Ok<TicketResponse>, ProblemHttpResult>> IssueTicket(
        ClaimsPrincipal user, HttpContext http, TicketStore tickets, CancellationToken cancellationToken)
    {
        // Tickets are only read on the hub's paths, so this request authenticated with the Authorization header.
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        var issue = await tickets.IssueAsync(token, user.KeyId()!, cancellationToken);
        if (issue.Ticket is { } ticket)
        {
            return TypedResults.Ok(new TicketResponse(ticket, (long)TicketStore.Lifetime.TotalSeconds));
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(issue.RetryAfter.TotalSeconds));
        return issue.Refusal == TicketRefusal.StoreFull
            ? RetryLater.Problem(http, StatusCodes.Status503ServiceUnavailable, seconds,
                "Too many open tickets",
                $"The server holds too many unused tickets right now; retry after {seconds} s.")
            : RetryLater.Problem(http, StatusCodes.Status429TooManyRequests, seconds,
                "Too many tickets",
                issue.Refusal == TicketRefusal.TooManyUnused
                    ? $"Your key already holds {TicketStore.MaxUnusedPerKey} unused tickets; use them (one per connection) or retry after {seconds} s."
                    : $"Your key asks for tickets faster than {TicketStore.IssuedPerKeyPerSecond:0.#} per second; retry after {seconds} s.");
    }

    private static Ok<MeResponse> Me(ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(
        user.KeyId()!,
        user.FindFirstValue(TickerClaims.Name) ?? "",
        user.FindFirstValue(TickerClaims.Role) ?? "",
        [.. user.FindAll(TickerClaims.Symbols).Select(c => c.Value)],
        user.ExpiresAt()));
}
