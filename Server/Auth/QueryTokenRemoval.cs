using Microsoft.AspNetCore.Http.Features;

namespace SignalRTicker.Server.Auth;

public static class QueryTokenRemoval
{
    /// <summary>
    /// Once a request has been authenticated and authorized, drops <c>access_token</c> from what the application sees
    /// of its URL: the query string, the parsed query and the raw target. A hub connection keeps its request (and
    /// SignalR copies it for long polling) for as long as it lives, so the token or ticket would otherwise be in reach of
    /// anything that reads the URL later, and its parsed copy would stay in memory. The other parameters (SignalR's
    /// <c>id</c>) stay, decoded and encoded again. Kestrel's own copy of the request line, kept privately for the
    /// connection's life, is out of reach; short-lived, single-use tickets are what keeps a browser's JWT out of URLs.
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
        // The query as parsed already (by the check above and by JwtBearer), without the token.
        var rest = QueryString.Create(context.Request.Query
            .Where(parameter => !string.Equals(parameter.Key, ConfigureJwtBearer.QueryTokenName, StringComparison.OrdinalIgnoreCase)));
        context.Request.QueryString = rest;
        context.Features.Set<IQueryFeature>(new QueryFeature(context.Features));
        if (context.Features.Get<IHttpRequestFeature>() is { RawTarget.Length: > 0 } request)
        {
            var path = request.RawTarget.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? request.RawTarget[..at] : request.RawTarget;
            request.RawTarget = path + rest.Value;
        }
    }
}
