using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// Another site: a bare web server on its own loopback port that serves the given html at <c>/</c>, and the page's
/// files (wwwroot) when asked to. (A route-fulfilled origin will not do: Chromium treats it as public and blocks its
/// requests to loopback before CORS is consulted.)
/// </summary>
public sealed class StaticOrigin(WebApplication app, string origin) : IAsyncDisposable
{
    /// <summary>Such as <c>http://127.0.0.1:41234</c>: no trailing slash, as <c>Cors:AllowedOrigins</c> wants it.</summary>
    public string Origin { get; } = origin;

    public static async Task<StaticOrigin> StartAsync(Func<string> html, bool servePageFiles)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        if (servePageFiles)
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(Path.Combine(Repository.Root, "wwwroot")),
            });
        }

        app.MapGet("/", () => Results.Content(html(), "text/html; charset=utf-8"));
        await app.StartAsync();
        return new StaticOrigin(app, app.Urls.Single().TrimEnd('/'));
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
