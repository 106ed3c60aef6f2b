using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.RateLimits;

public static class RateLimitExtensions
{
    private static readonly PathString HubsPath = "/hubs";

    /// <summary>
    /// Per-IP limits on API key exchanges, hub connection attempts and failed authentications; per-connection hub call
    /// limits. The key exchange is found by Auth's <see cref="ApiKeyExchange"/> metadata rather than by path, so the
    /// route is written once, in Auth, and a second exchange endpoint is limited without a change here.
    /// </summary>
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuthRefusals>();
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, RefusalCharges>();
        builder.Services.AddSingleton<ConnectionCap>();
        builder.Services.AddSingleton<HubCallLimitFilter>();
        builder.Services.Configure<HubOptions>(options => options.AddFilter<HubCallLimitFilter>());

        builder.Services.AddRateLimiter(options =>
        {
            options.OnRejected = (context, _) => new ValueTask(RejectAsync(context.HttpContext, context.Lease,
                IsApiKeyExchange(context.HttpContext)
                    ? "Too many token requests from your address; reuse your token until it nears expiry."
                    : "Too many hub connection attempts from your address; wait, then reconnect with backoff."));
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => IsApiKeyExchange(http)
                    ? RateLimitPartition.GetFixedWindowLimiter(AuthRefusals.ClientIp(http), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = Limits(http).TokenPerMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("")),
                PartitionedRateLimiter.Create<HttpContext, string>(http =>
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
                }));
        });
        return builder;
    }

    /// <summary>
    /// Before authentication: an IP over its API key failure budget is refused at the key exchange before the key is
    /// checked (brute-force protection). After the endpoint: a key exchange answered 401 is a refused key, charged to
    /// that budget. Bearer failures are charged and refused in the challenge (<see cref="RefusalCharges"/>).
    /// </summary>
    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app)
    {
        app.UseRateLimiter();
        var refusals = app.ApplicationServices.GetRequiredService<AuthRefusals>();
        app.Use(async (http, next) =>
        {
            if (!IsApiKeyExchange(http))
            {
                await next(http);
                return;
            }

            using (var lease = refusals.CheckApiKeys(http))
            {
                if (!lease.IsAcquired)
                {
                    await RejectAsync(http, lease, "Too many refused API keys from your address; check your API key, then try again later.");
                    return;
                }
            }

            await next(http);
            if (http.Response.StatusCode == StatusCodes.Status401Unauthorized)
            {
                refusals.RefuseApiKey(http, "unknown or revoked API key");
            }
        });
        return app;
    }

    private static RateLimitOptions Limits(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static bool IsApiKeyExchange(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<ApiKeyExchange>() is not null;

    /// <summary>A request that would open a hub connection: negotiate, or a connect that skipped negotiate (no connection id).</summary>
    private static bool IsHubConnectAttempt(HttpRequest request) =>
        request.Path.StartsWithSegments(HubsPath)
        && (request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal) || !request.Query.ContainsKey("id"));

    /// <summary>A 429 problem with Retry-After from the lease (a minute when it has none).</summary>
    internal static async Task RejectAsync(HttpContext http, RateLimitLease lease, string detail)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        RateLimitLog.RateLimited(http.RequestServices.GetRequiredService<ILogger<AuthRefusals>>(), AuthRefusals.ClientIp(http), http.Request.Path, detail);
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
