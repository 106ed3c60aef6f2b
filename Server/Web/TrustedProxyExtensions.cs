using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Web;

public static class TrustedProxyExtensions
{
    /// <summary>
    /// Behind a reverse proxy every request comes from the proxy's address; with the proxy listed in
    /// <c>ForwardedHeaders:KnownProxies</c> or <c>KnownNetworks</c>, the client's address and scheme are taken from the
    /// proxy's <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> instead, so the per-IP rate limits, the failed
    /// authentication budget and the token records see the real client. Nothing is believed from anyone else.
    /// </summary>
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrustedProxyOptions>()
            .BindConfiguration(TrustedProxyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ConfigureForwardedHeaders>();
        return builder;
    }

    /// <summary>First in the pipeline, so everything after it (the request log too) sees the client's address.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.IsEnabled
            ? app.UseForwardedHeaders()
            : app;

    private sealed class ConfigureForwardedHeaders(IOptions<TrustedProxyOptions> trusted) : IConfigureOptions<ForwardedHeadersOptions>
    {
        public void Configure(ForwardedHeadersOptions options)
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: the framework's default trusts loopback, which would make a proxy on the
            // same machine trusted without the operator saying so.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.Value.Proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in trusted.Value.Networks)
            {
                options.KnownIPNetworks.Add(network);
            }

            // Walk X-Forwarded-For from the right through every trusted proxy (a CDN in front of nginx, say) and stop at
            // the first address that is not one: entries further left were written by the client and prove nothing.
            options.ForwardLimit = null;
        }
    }
}
