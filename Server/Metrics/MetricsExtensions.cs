using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace SignalRTicker.Server.Metrics;

public static class MetricsExtensions
{
    public const string ScrapePath = "/metrics";

    /// <summary>What the exported metrics name their service (OpenTelemetry's <c>service.name</c>).</summary>
    public const string ServiceName = "signalr-ticker";

    /// <summary>
    /// The ticker's instruments (every meter named SignalRTicker or SignalRTicker.*, whichever feature creates it),
    /// ASP.NET Core's and the runtime's (GC, memory, thread pool), exported for Prometheus.
    /// </summary>
    public static IHostApplicationBuilder AddTickerMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TickerMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(TickerMetrics.MeterName, TickerMetrics.MeterName + ".*")
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections", "System.Runtime")
                .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// The Prometheus scrape endpoint. It carries counts, never keys or users, but counts still tell an attacker
    /// routes, load and which failures occur: the caller decides who may read it (see Program.cs).
    /// </summary>
    public static IEndpointConventionBuilder MapTickerMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ScrapePath)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .WithTags("Metrics")
            .WithSummary("Prometheus scrape: the ticker's, ASP.NET Core's and the runtime's metrics")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]));
}
