using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Health;

public static class HealthExtensions
{
    public const string Path = "/healthz";

    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    /// <summary>
    /// Healthy when the server can serve: the database takes a write (probed at most every few seconds). Requests the
    /// database fails are 503s (Errors); here, a connection that failed to write is not reused, so the node recovers
    /// as soon as the database does.
    /// </summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DatabaseWriteProbe>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseWriteProbe>("database");
        // The health check service logs every unhealthy probe as an error, one a probe; the probe logs changes instead.
        builder.Logging.AddFilter(HealthCheckServiceCategory, level => level < LogLevel.Error && level >= LogLevel.Warning);
        builder.Services.ConfigureDbContext<TickerDbContext>(options => options
            .AddInterceptors(new FailedConnectionReset())
            // Each failed command is a 503 that Errors logs (a flood of them summarised); EF would log every one again,
            // with its SQL and stack trace.
            .ConfigureWarnings(warnings => warnings.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (RelationalEventId.TransactionError, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug))));
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Path).AllowAnonymous();
        return app;
    }
}
