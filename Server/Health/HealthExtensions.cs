using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Health;

public static class HealthExtensions
{
    public const string Path = "/healthz";

    /// <summary>Healthy when the server can serve: the key database answers.</summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddDbContextCheck<TickerDbContext>("database");
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Path).AllowAnonymous();
        return app;
    }
}
