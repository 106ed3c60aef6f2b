using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SignalRTicker.Server.Control;

public static class ControlExtensions
{
    /// <summary>The control channel: this node's own, unless a cluster registered one that crosses processes.</summary>
    public static IHostApplicationBuilder AddControlChannel(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<LocalControlChannel>();
        builder.Services.TryAddSingleton<IControlChannel>(sp => sp.GetRequiredService<LocalControlChannel>());
        return builder;
    }
}
