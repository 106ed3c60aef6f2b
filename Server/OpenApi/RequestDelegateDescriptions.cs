using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.SignalR;

namespace SignalRTicker.Server.OpenApi;

/// <summary>
/// Describes the endpoints that are plain request delegates (health checks, the Prometheus scrape) from their metadata,
/// as the framework describes route handlers: ApiExplorer skips an endpoint without a handler method, so without this
/// they would be missing from the document. An endpoint qualifies by declaring its HTTP methods; the hub (SignalR, not
/// REST: docs/hub.md) and endpoints excluded from description are left out.
/// </summary>
internal sealed class RequestDelegateDescriptions(EndpointDataSource endpoints) : IApiDescriptionProvider
{
    /// <summary>After the framework's provider for route handlers (-1100), so those keep their own descriptions.</summary>
    public int Order => -1000;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var metadata = endpoint.Metadata;
            if (metadata.GetMetadata<System.Reflection.MethodInfo>() is not null
                || metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods
                || metadata.GetMetadata<HubMetadata>() is not null
                || metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true })
            {
                continue;
            }

            foreach (var method in methods.HttpMethods)
            {
                context.Results.Add(Describe(endpoint, method));
            }
        }
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
    }

    private static ApiDescription Describe(RouteEndpoint endpoint, string method)
    {
        var description = new ApiDescription
        {
            HttpMethod = method,
            RelativePath = endpoint.RoutePattern.RawText?.TrimStart('/'),
            ActionDescriptor = new ActionDescriptor
            {
                DisplayName = endpoint.DisplayName,
                EndpointMetadata = [.. endpoint.Metadata],
            },
        };
        foreach (var produces in endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
        {
            var response = new ApiResponseType { StatusCode = produces.StatusCode, Type = produces.Type ?? typeof(void), Description = produces.Description };
            foreach (var contentType in produces.ContentTypes)
            {
                response.ApiResponseFormats.Add(new ApiResponseFormat { MediaType = contentType });
            }

            description.SupportedResponseTypes.Add(response);
        }

        return description;
    }
}
