using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;

namespace SignalRTicker.Server.Errors;

public static class ErrorsExtensions
{
    /// <summary>
    /// Every error is problem+json with a detail that says what to do; a database that cannot serve is a 503 with
    /// Retry-After; anything unexpected is a bare 500.
    /// </summary>
    public static IHostApplicationBuilder AddErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Detail ??= ProblemDetail.Get(context.HttpContext)
                ?? DescribeErrors(context.ProblemDetails)
                ?? DefaultDetail(context.ProblemDetails.Status));
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddExceptionHandler<ClusterUnavailableHandler>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RefusalLog>();
        // Validates request types declared in this project; its generator does not reach Contracts' records, which
        // their handlers check.
        builder.Services.AddValidation();
        // Bad bodies raise BadHttpRequestException, which the handler turns into a problem that says what was wrong.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.AllowOutOfOrderMetadataProperties = true;
            // {"role":"user","role":"admin"} is refused, not read as its last value: a filter that checked the first
            // copy would otherwise pass a body whose meaning is the second.
            options.SerializerOptions.AllowDuplicateProperties = false;
        });
        return builder;
    }

    public static IApplicationBuilder UseErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>A validation problem's errors as one sentence per field, for a reader who skips <c>errors</c>.</summary>
    private static string? DescribeErrors(ProblemDetails problem) =>
        problem is HttpValidationProblemDetails { Errors.Count: > 0 } validation
            ? string.Join(" ", validation.Errors.Select(field => $"{field.Key}: {string.Join(" ", field.Value)}"))
            : null;

    /// <summary>What to do about the errors the framework answers with an empty body.</summary>
    private static string? DefaultDetail(int? status) => status switch
    {
        StatusCodes.Status401Unauthorized =>
            "Send a valid access token as 'Authorization: Bearer <token>'; get one from POST /api/auth/token with your API key.",
        StatusCodes.Status403Forbidden => "Your token is valid but its role does not allow this request.",
        StatusCodes.Status404NotFound => "There is nothing at this path.",
        StatusCodes.Status405MethodNotAllowed => "This path does not accept that HTTP method.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with 'Content-Type: application/json'.",
        _ => null,
    };
}
