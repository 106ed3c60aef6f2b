using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace SignalRTicker.Server.Cors;

public static class CorsExtensions
{
    private const string PolicyName = "ticker-origins";

    /// <summary>
    /// Lets pages on the origins in <c>Cors:AllowedOrigins</c> call the API and negotiate with the hub. With none
    /// configured the policy allows nothing, so browsers keep the same-origin rule.
    /// </summary>
    public static IHostApplicationBuilder AddTickerCors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TickerCorsOptions>()
            .BindConfiguration(TickerCorsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddSingleton<IConfigureOptions<CorsOptions>, ConfigureTickerCors>();
        return builder;
    }

    /// <summary>Runs before authentication, so a preflight (which carries no token) is answered, not refused.</summary>
    public static IApplicationBuilder UseTickerCors(this IApplicationBuilder app)
    {
        // The answer depends on the Origin header; with one allowed origin the framework does not say so, and a shared
        // cache could then hand a copy without the CORS header (the browser client's module, say) to a dashboard.
        app.Use((context, next) =>
        {
            context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.Origin);
            return next(context);
        });
        return app.UseCors(PolicyName);
    }

    /// <summary>Reads the bound options when the policy is first needed, so every configuration source applies.</summary>
    private sealed class ConfigureTickerCors(IOptions<TickerCorsOptions> options) : IConfigureOptions<CorsOptions>
    {
        public void Configure(CorsOptions cors) => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins(options.Value.AllowedOrigins)
            .AllowAnyHeader()
            .AllowAnyMethod()
            .DisallowCredentials());
    }
}
