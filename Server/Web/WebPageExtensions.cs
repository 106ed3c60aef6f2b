using Microsoft.Extensions.FileProviders;

namespace SignalRTicker.Server.Web;

public static class WebPageExtensions
{
    /// <summary>
    /// Serves the top-level <c>wwwroot</c> of the repository (beside <c>Server/</c>), so the page is edited in one place;
    /// a published build falls back to the copy next to the binaries.
    /// </summary>
    public static IHostApplicationBuilder AddWebPage(this IHostApplicationBuilder builder)
    {
        if (builder.Environment is not IWebHostEnvironment web)
        {
            return builder;
        }

        string[] candidates =
        [
            Path.GetFullPath(Path.Combine(web.ContentRootPath, "..", "wwwroot")),
            Path.Combine(web.ContentRootPath, "wwwroot"),
            Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        ];
        var root = candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "index.html")));
        if (root is not null)
        {
            web.WebRootPath = root;
            web.WebRootFileProvider = new PhysicalFileProvider(root);
        }

        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddHostedService<PageAddress>();
        }

        return builder;
    }

    /// <summary>Files in <c>wwwroot</c> that are the page's development tooling, not the page.</summary>
    private static readonly PathString[] NotServed = ["/tests", "/package.json"];

    public static IApplicationBuilder UseWebPage(this IApplicationBuilder app)
    {
        app.UseWhen(
            context => NotServed.Any(path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)),
            tooling => tooling.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }));
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }
}
