using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace SignalRTicker.Server.Auth;

public static class QueryTokenRemoval
{
    /// <summary>
    /// Once a request has been authenticated and authorized, drops <c>access_token</c> from its query: the request's
    /// query string, its parsed query and Kestrel's raw target. A hub connection keeps its request for as long as it
    /// lives, so the token (or ticket) would otherwise stay in memory in three copies, 2-4 KiB per connection, and in
    /// reach of anything that reads the URL later. The other parameters (SignalR's <c>id</c>) stay.
    /// </summary>
    public static IApplicationBuilder UseQueryTokenRemoval(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.QueryString.HasValue && context.Request.Query.ContainsKey(ConfigureJwtBearer.QueryTokenName))
            {
                Remove(context);
            }

            return next(context);
        });

    private static void Remove(HttpContext context)
    {
        var rest = QueryString.Create(QueryHelpers.ParseQuery(context.Request.QueryString.Value)
            .Where(parameter => !string.Equals(parameter.Key, ConfigureJwtBearer.QueryTokenName, StringComparison.OrdinalIgnoreCase)));
        context.Request.QueryString = rest;
        context.Features.Set<IQueryFeature>(new QueryFeature(context.Features));
        if (context.Features.Get<IHttpRequestFeature>() is { } request)
        {
            var path = request.RawTarget.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? request.RawTarget[..at] : request.RawTarget;
            request.RawTarget = path + rest.Value;
        }
    }
}
