using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Shutdown;

public static class ShutdownExtensions
{
    /// <summary>Margin past the drain for the rest of the stop: requests in flight (a publish) and the services after them.</summary>
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(30);

    /// <summary>The drain a stopping node runs before it lets go of anything (see <see cref="ShutdownDrain"/>).</summary>
    public static IHostApplicationBuilder AddShutdownDrain(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>()
            .BindConfiguration(ShutdownOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService<DrainOnStop>();
        // The host stops in ShutdownTimeout (30 s by default), the drain included; it has to outlast the drain.
        builder.Services.AddOptions<HostOptions>().PostConfigure<IOptions<ShutdownOptions>>((host, shutdown) =>
        {
            var needed = shutdown.Value.Drain + ShutdownDrain.Grace + StopMargin;
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        DrainBeforeSignalStops(builder.Services);
        return builder;
    }

    /// <summary>New hub connections are refused with a 503 while the node drains. Before the page, auth and rate limits.</summary>
    public static IApplicationBuilder UseShutdownDrain(this IApplicationBuilder app) => app.UseMiddleware<DrainRefusal>();

    /// <summary>
    /// The console lifetime (SIGTERM, Ctrl+C) stops the application through <see cref="DrainFirstLifetime"/>. Another
    /// lifetime (systemd's, Windows services') is left as it is: its stop still drains, but only after SignalR has
    /// closed the connections.
    /// </summary>
    private static void DrainBeforeSignalStops(IServiceCollection services)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(IHostLifetime)) is not { ImplementationType: var type } || type != typeof(ConsoleLifetime))
        {
            return;
        }

        services.Replace(ServiceDescriptor.Singleton<IHostLifetime>(provider => new ConsoleLifetime(
            provider.GetRequiredService<IOptions<ConsoleLifetimeOptions>>(),
            provider.GetRequiredService<IHostEnvironment>(),
            new DrainFirstLifetime(provider.GetRequiredService<IHostApplicationLifetime>(), provider.GetRequiredService<ShutdownDrain>()),
            provider.GetRequiredService<IOptions<HostOptions>>(),
            provider.GetRequiredService<ILoggerFactory>())));
    }
}
