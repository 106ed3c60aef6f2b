using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.RateLimits;

public static class RateLimitExtensions
{
    private const string TokenPolicy = "token-per-ip";
    private static readonly PathString HubsPath = "/hubs";
    private static readonly PathString ApiPath = "/api";

    /// <summary>Per-IP limits on token requests, hub connection attempts and failed authentications; per-connection hub call limits.</summary>
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuthRefusals>();
        builder.Services.AddSingleton<ConnectionCap>();
        builder.Services.AddSingleton<HubCallLimitFilter>();
        builder.Services.Configure<HubOptions>(options => options.AddFilter<HubCallLimitFilter>());

        builder.Services.AddRateLimiter(options =>
        {
            options.OnRejected = (context, _) => RejectAsync(context.HttpContext, context.Lease,
                IsHubConnectAttempt(context.HttpContext.Request)
                    ? "Too many hub connection attempts from your address; wait, then reconnect with backoff."
                    : "Too many token requests from your address; reuse your token until it nears expiry.");
            options.AddPolicy(TokenPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                AuthRefusals.ClientIp(http),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Limits(http).TokenPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                if (!IsHubConnectAttempt(http.Request))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                // A bucket of a minute's worth, refilled steadily: a burst is fine, a sustained flood is not.
                var perMinute = Limits(http).HubConnectPerMinute;
                return RateLimitPartition.GetTokenBucketLimiter(AuthRefusals.ClientIp(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = Math.Max(1, perMinute / 60),
                    ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1) / perMinute,
                    QueueLimit = 0,
                });
            });
        });
        return builder;
    }

    /// <summary>Before authentication: an IP over its failed-authentication budget is refused before any credential is checked.</summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        var refusals = app.ApplicationServices.GetRequiredService<AuthRefusals>();
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments(ApiPath) || http.Request.Path.StartsWithSegments(HubsPath))
            {
                using var lease = refusals.Check(http);
                if (!lease.IsAcquired)
                {
                    await RejectAsync(http, lease, "Too many failed authentications from your address; check your API key or token, then try again later.");
                    return;
                }
            }

            await next(http);
        });
        return app;
    }

    /// <summary>Token requests per client IP (<c>RateLimits:TokenPerMinute</c>).</summary>
    public static TBuilder RequireTokenRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(TokenPolicy);

    private static RateLimitOptions Limits(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    /// <summary>A request that would open a hub connection: negotiate, or a connect that skipped negotiate (no connection id).</summary>
    private static bool IsHubConnectAttempt(HttpRequest request) =>
        request.Path.StartsWithSegments(HubsPath)
        && (request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal) || !request.Query.ContainsKey("id"));

    private static async ValueTask RejectAsync(HttpContext http, RateLimitLease lease, string detail)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        RateLimitLog.RateLimited(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitExtensions).FullName!),
            AuthRefusals.ClientIp(http), http.Request.Path, detail);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"{detail} Retry after {seconds} s.",
            },
        });
    }
}
