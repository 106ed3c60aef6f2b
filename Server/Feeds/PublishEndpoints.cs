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
            .WithSummary("Publish a batch of prices, all or nothing (publisher or admin role)")
            .RequireAuthorization(TickerPolicies.Subscriber)
            .Accepts<QuoteInput[]>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
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
