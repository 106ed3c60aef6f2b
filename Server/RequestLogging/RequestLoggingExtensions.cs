using System.Diagnostics;
using System.Text;

namespace SignalRTicker.Server.RequestLogging;

public static class RequestLoggingExtensions
{
    /// <summary>ASP.NET Core's own request lines carry the full URL, and with it a hub's <c>access_token</c> query.</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Replaces the framework's request log, which prints the full URL (a JWT or ticket in <c>?access_token=</c>), with
    /// one line per request whose query values are redacted.
    /// </summary>
    public static IHostApplicationBuilder AddRequestLogging(this IHostApplicationBuilder builder)
    {
        // Added after the configuration's rules, so this wins over Logging:LogLevel for the same category.
        builder.Logging.AddFilter(HostingCategory, LogLevel.Warning);
        return builder;
    }

    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("SignalRTicker.Server.Requests");
        app.Use(async (http, next) =>
        {
            if (!logger.IsEnabled(LogLevel.Debug))
            {
                await next(http);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var query = Redact(http.Request.Query); // as it came: the token in it is removed once authenticated
            try
            {
                await next(http);
            }
            finally
            {
                RequestLog.Finished(logger, http.Request.Method, http.Request.Path, query,
                    http.Connection.RemoteIpAddress?.ToString(), http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
        return app;
    }

    /// <summary>Query names only: values can be credentials (<c>access_token</c>) or connection tokens (<c>id</c>).</summary>
    internal static string Redact(IQueryCollection query)
    {
        if (query.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var name in query.Keys)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append("=***");
        }

        return text.ToString();
    }
}
