using Microsoft.AspNetCore.Authorization;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.Admin;

public static class AdminEndpoints
{
    public const string Path = "/api/admin";

    private static readonly EndpointMetadataCollection AdminOnly = new(new AuthorizeAttribute(TickerPolicies.Admin));

    /// <summary>The admin API. Authorization is on the group, and no route has a constraint: a malformed id is the handler's 404.</summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Path)
            .WithTags("Admin")
            .RequireAuthorization(TickerPolicies.Admin);
        admin.MapKeyAdmin();
        admin.MapTokenAdmin();
        admin.MapKeyUpdate();
        admin.MapSymbolAdmin();
        return app;
    }

    /// <summary>
    /// Outside Development the endpoint needs an admin token (a scraper sends <c>Authorization: Bearer</c>); in
    /// Development it stays open for a local Prometheus or a curious developer.
    /// </summary>
    public static TBuilder RequireAdminOutsideDevelopment<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder
    {
        endpoint.Add(builder =>
        {
            if (!builder.ApplicationServices.GetRequiredService<IHostEnvironment>().IsDevelopment())
            {
                builder.Metadata.Add(new AuthorizeAttribute(TickerPolicies.Admin));
            }
        });
        return endpoint;
    }

    /// <summary>
    /// Before authorization: a request under /api/admin that no admin endpoint takes (an unknown path, a method or
    /// content type the path does not accept) still needs the admin role. A caller without it gets 403 on every path
    /// here and learns nothing of which exist; an admin gets the 404, 405 or 415 routing chose.
    /// </summary>
    public static IApplicationBuilder UseAdmin(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Request.Path.StartsWithSegments(Path) && http.GetEndpoint() is var chosen && chosen?.Metadata.GetMetadata<IAuthorizeData>() is null)
        {
            http.SetEndpoint(new Endpoint(chosen?.RequestDelegate ?? NotFound, AdminOnly, chosen?.DisplayName ?? "admin: not found"));
        }

        return next(http);
    });

    /// <summary>An empty 404: the status code pages write the problem.</summary>
    private static Task NotFound(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
