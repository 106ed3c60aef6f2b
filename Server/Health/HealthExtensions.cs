using System.Reflection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Settings;

namespace SignalRTicker.Server.Health;

public static class HealthExtensions
{
    /// <summary>The same as <see cref="ReadyPath"/>, kept for the balancers already pointed at it.</summary>
    public const string Path = "/healthz";

    /// <summary>200 while the process answers, with its version; for a supervisor deciding whether to restart it.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>200 while the node can serve; for a load balancer deciding whether to send it clients.</summary>
    public const string ReadyPath = "/healthz/ready";

    /// <summary>The tag of the checks that decide readiness; a feature that adds a check tags it with this.</summary>
    public const string ReadyTag = "ready";

    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    private static readonly object[] ReadyResponses =
    [
        new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]),
        new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(string), ["text/plain"]),
    ];

    /// <summary>
    /// Ready when the server can serve: the database takes a write (probed at most every few seconds), the feeds run
    /// and the node is not draining. Requests the database fails are 503s (Errors); here, a SQLite connection that
    /// failed to write is not reused (Npgsql empties its pool itself when a connection breaks), so the node recovers as
    /// soon as the database does.
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseWriteProbe>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseWriteProbe>("database", tags: [ReadyTag])
            .AddCheck<FeedHealthCheck>("feeds", tags: [ReadyTag])
            .AddCheck<DrainHealthCheck>("drain", tags: [ReadyTag]);
        // The health check service logs every unhealthy probe as an error, one a probe; the probe logs changes instead.
        builder.Logging.AddFilter(HealthCheckServiceCategory, level => level < LogLevel.Error && level >= LogLevel.Warning);
        builder.Services.AddSingleton<IInterceptor, FailedConnectionReset>();
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // The configured options (a feature may set the body's writer) with the ready checks only.
        var configured = app.ServiceProvider.GetRequiredService<IOptions<HealthCheckOptions>>().Value;
        var ready = new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = configured.ResponseWriter,
            ResultStatusCodes = configured.ResultStatusCodes,
            AllowCachingResponses = configured.AllowCachingResponses,
        };
        Describe(app.MapHealthChecks(ReadyPath, ready), "Ready to serve: the database takes a write, the feeds run (and Redis answers, in a cluster)")
            .WithMetadata(ReadyResponses);
        Describe(app.MapHealthChecks(Path, ready), "The same as /healthz/ready, for balancers already pointed here")
            .WithMetadata(ReadyResponses);

        // No check runs: a live process answers even while its database or Redis is down, so it is not restarted for
        // what a restart cannot fix.
        Describe(app.MapHealthChecks(LivePath, new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (http, report) => http.Response.WriteAsJsonAsync(new LiveReport(report.Status.ToString(), ProductVersion.Informational)),
        }), "Alive: the process answers, with its version")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(LiveReport), ["application/json"]));
        return app;
    }

    /// <summary>The methods are declared so the endpoint is routed and described as what it is: a GET (HEAD for probes).</summary>
    private static IEndpointConventionBuilder Describe(IEndpointConventionBuilder endpoint, string summary) =>
        endpoint.AllowAnonymous()
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
            .WithTags("Health")
            .WithSummary(summary);

    private sealed record LiveReport(string Status, string Version);
}
