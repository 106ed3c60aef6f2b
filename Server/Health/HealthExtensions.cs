using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SignalRTicker.Server.Health;

public static class HealthExtensions
{
    public const string Path = "/healthz";

    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    /// <summary>
    /// Healthy when the server can serve: the database takes a write (probed at most every few seconds). Requests the
    /// database fails are 503s (Errors); here, a SQLite connection that failed to write is not reused (Npgsql empties
    /// its pool itself when a connection breaks), so the node recovers as soon as the database does.
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseWriteProbe>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseWriteProbe>("database");
        // The health check service logs every unhealthy probe as an error, one a probe; the probe logs changes instead.
        builder.Logging.AddFilter(HealthCheckServiceCategory, level => level < LogLevel.Error && level >= LogLevel.Warning);
        builder.Services.AddSingleton<IInterceptor, FailedConnectionReset>();
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // The methods are declared so the endpoint is routed and described as what it is: a GET (HEAD for probes).
        app.MapHealthChecks(Path).AllowAnonymous()
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
            .WithTags("Health")
            .WithSummary("Ready to serve: the database takes a write")
            .WithMetadata(
                new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]),
                new ProducesResponseTypeMetadata(StatusCodes.Status503ServiceUnavailable, typeof(string), ["text/plain"]));
        return app;
    }
}
