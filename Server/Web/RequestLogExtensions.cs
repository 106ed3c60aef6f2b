using Microsoft.AspNetCore.HttpLogging;

namespace SignalRTicker.Server.Web;

public static class RequestLogExtensions
{
    /// <summary>ASP.NET Core's own request lines carry the full URL, and with it a hub's <c>access_token</c> query.</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// One line per request with its method, path, status and duration, never its query (a hub URL can carry a token
    /// or ticket) nor any header. Off by default; on with <c>Logging:LogLevel:Microsoft.AspNetCore.HttpLogging=Information</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRequestLog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpLogging(options =>
        {
            options.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            options.CombineLogs = true;
        });

        // Added after the configuration's rules, so this wins over Logging:LogLevel for the same category.
        builder.Logging.AddFilter(HostingCategory, LogLevel.Warning);
        return builder;
    }

    public static IApplicationBuilder UseRequestLog(this IApplicationBuilder app) => app.UseHttpLogging();
}
