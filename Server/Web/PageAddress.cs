using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SignalRTicker.Server.Web;

/// <summary>In Development, says where the page is once the server listens, so a first visit needs no README.</summary>
internal sealed class PageAddress(IServer server, IHostApplicationLifetime lifetime, ILogger<PageAddress> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                WebLog.PageAddress(logger, Browsable(address));
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A wildcard listening address as a browser would open it.</summary>
    private static string Browsable(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return address;
        }

        return uri.Host is "0.0.0.0" or "[::]" ? new UriBuilder(uri) { Host = "localhost" }.Uri.ToString() : uri.ToString();
    }
}
