using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.Feeds;

public static class PublishEndpoints
{
    /// <summary><c>POST /api/quotes</c>: a publisher's batch of prices.</summary>
    public static IEndpointRouteBuilder MapPublish(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/quotes", PublishAsync)
            .WithTags("Quotes")
            .RequireAuthorization(TickerPolicies.Subscriber)
            .Accepts<QuoteInput[]>("application/json");
        return app;
    }

    private static async Task<Results<Ok<PublishResult>, ProblemHttpResult>> PublishAsync(
        QuoteInput?[]? quotes, ClaimsPrincipal user, QuotePublisher publisher, CancellationToken cancellationToken)
    {
        var check = await publisher.CheckAsync(user, quotes, cancellationToken);
        if (check.Refusal is { } refusal)
        {
            return TypedResults.Problem(statusCode: refusal.StatusCode, title: "The batch was refused; nothing of it was published", detail: refusal.Detail);
        }

        return TypedResults.Ok(await publisher.PublishAsync(check.Updates, cancellationToken));
    }
}
