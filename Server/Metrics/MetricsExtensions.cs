using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace SignalRTicker.Server.Metrics;

public static class MetricsExtensions
{
    public const string ScrapePath = "/metrics";

    /// <summary>What the exported metrics name their service (OpenTelemetry's <c>service.name</c>).</summary>
    public const string ServiceName = "signalr-ticker";

    private const string KestrelEndpoints = "Kestrel:Endpoints";

    /// <summary>
    /// The ticker's instruments (every meter named SignalRTicker or SignalRTicker.*, whichever feature creates it),
    /// ASP.NET Core's and the runtime's (GC, memory, thread pool), exported for Prometheus, under
    /// <c>service.name</c> = signalr-ticker and <c>service.instance.id</c> = this process's <see cref="ServiceInstance"/>.
    /// With <c>Metrics:Port</c>, Kestrel also listens on that port.
    /// </summary>
    public static WebApplicationBuilder AddTickerMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .BindConfiguration(MetricsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var instance = new ServiceInstance();
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton<TickerMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceInstanceId: instance.Id, autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics => metrics
                .AddMeter(TickerMetrics.MeterName, TickerMetrics.MeterName + ".*")
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections", "System.Runtime")
                .AddPrometheusExporter());

        var options = builder.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>();
        if (options?.Port is > 0 and <= 65535)
        {
            ListenForMetrics(builder, options.Url);
        }

        return builder;
    }

    /// <summary>
    /// With <c>Metrics:Port</c>: requests on that port get <c>/metrics</c> and nothing else (the hub and the API are not
    /// served there), with no token, so the operator must bind it privately; <c>/metrics</c> on any other port is 404.
    /// Before authentication, which it does not need.
    /// </summary>
    public static IApplicationBuilder UseTickerMetricsPort(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value.Port is not { } port)
        {
            return app;
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: http => http.Connection.LocalPort == port && http.Request.Path == ScrapePath,
            path: null,
            configureBranchedPipeline: null,
            optionsName: null);
        return app.Use((http, next) =>
        {
            if (http.Connection.LocalPort == port || http.Request.Path.StartsWithSegments(ScrapePath))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(http);
        });
    }

    /// <summary>
    /// The Prometheus scrape endpoint on the main port. It carries counts, never keys or users, but counts still tell
    /// an attacker routes, load and which failures occur: the caller decides who may read it (see Program.cs). With
    /// <c>Metrics:Port</c> it is never reached (<see cref="UseTickerMetricsPort"/>).
    /// </summary>
    public static IEndpointConventionBuilder MapTickerMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ScrapePath)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            .WithTags("Metrics")
            .WithSummary("Prometheus scrape: the ticker's, ASP.NET Core's and the runtime's metrics")
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]));

    /// <summary>
    /// Adds the metrics address to the ones the server listens on. Kestrel takes its addresses either from
    /// <c>Kestrel:Endpoints</c> or, when there are none, from the URLs (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>ASPNETCORE_HTTP_PORTS</c>); an address given any other way would replace the configured ones, so it joins
    /// whichever of the two the server uses.
    /// </summary>
    private static void ListenForMetrics(WebApplicationBuilder builder, string url)
    {
        var configuration = builder.Configuration;
        if (configuration.GetSection(KestrelEndpoints).GetChildren().Any())
        {
            configuration[$"{KestrelEndpoints}:Metrics:Url"] = url;
            return;
        }

        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, $"{ConfiguredUrls(configuration)};{url}");
    }

    /// <summary>The URLs the host would use: as configured, from the port lists, or Kestrel's default.</summary>
    private static string ConfiguredUrls(ConfigurationManager configuration)
    {
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return urls;
        }

        var ports = Ports(configuration[WebHostDefaults.HttpPortsKey], "http").Concat(Ports(configuration[WebHostDefaults.HttpsPortsKey], "https")).ToList();
        return ports.Count > 0 ? string.Join(';', ports) : "http://localhost:5000";
    }

    private static IEnumerable<string> Ports(string? ports, string scheme) =>
        (ports ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"{scheme}://*:{port}");
}
