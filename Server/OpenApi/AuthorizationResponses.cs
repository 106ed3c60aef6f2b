using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.OpenApi;

/// <summary>
/// An endpoint that needs a token says so, read from its authorization metadata so it cannot drift: the Bearer
/// requirement, the 401 of a missing or refused token, the 429 of an address over its failed-authentication budget
/// (RateLimits), and for the admin policy the 403 of a token without the admin role.
/// </summary>
internal sealed class AuthorizationResponses : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authorization = metadata.OfType<IAuthorizeData>().ToList();
        if (authorization.Count == 0 || metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(BearerSecurityScheme.Name, context.Document)] = [],
        });

        await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized,
            "No token, or one that is expired, revoked or invalid; WWW-Authenticate says which.", cancellationToken);
        await AddProblemAsync(operation, context, StatusCodes.Status429TooManyRequests,
            "Too many failed authentications from this address; Retry-After says when to try again.", cancellationToken);
        if (authorization.Any(data => data.Policy == TickerPolicies.Admin))
        {
            await AddProblemAsync(operation, context, StatusCodes.Status403Forbidden,
                "The token is valid but its key does not have the admin role.", cancellationToken);
        }
    }

    /// <summary>Adds a problem+json response unless the endpoint declares that status itself (its description is more precise).</summary>
    private static async Task AddProblemAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.ContainsKey(code))
        {
            return;
        }

        operation.Responses[code] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = await ProblemSchemaAsync(context, cancellationToken) },
            },
        };
    }

    /// <summary>A reference to the ProblemDetails schema the endpoints' own problem responses use, registered if none did.</summary>
    private static async Task<IOpenApiSchema> ProblemSchemaAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(nameof(ProblemDetails)) != true)
        {
            document.AddComponent(nameof(ProblemDetails), await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken));
        }

        return new OpenApiSchemaReference(nameof(ProblemDetails), document);
    }
}
