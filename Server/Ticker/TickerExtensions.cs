using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

public static class TickerExtensions
{
    /// <summary>The hub, its connections and lifetime manager, and the way quotes reach it.</summary>
    public static IHostApplicationBuilder AddTicker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LiveConnections>();
        builder.Services.TryAddSingleton<IKeyConnectionCounter, LocalKeyConnectionCounter>();
        // A closed registration wins over AddSignalR's open-generic DefaultHubLifetimeManager<>.
        builder.Services.AddSingleton<HubLifetimeManager<TickerHub>, TickerLifetimeManager>();
        builder.Services.AddSingleton<IQuoteSink, HubQuoteSink>();
        builder.Services.AddSingleton<TickerHubFilter>();
        builder.Services.AddScoped<HubCallScope>();
        builder.Services.AddSingleton<RefreshTokenValidator>();
        builder.Services.AddHostedService<ConnectionExpiry>();
        builder.Services.AddHostedService<TickerControlHandlers>();

        builder.Services.AddSignalR(options =>
        {
            // Detailed errors would show exception messages to clients; HubException messages are always sent.
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
            options.AddFilter<TickerHubFilter>();
            // A publisher's batch of 1000 quotes is about 110 KB of JSON; SignalR's default limit is 32 KB.
            options.MaximumReceiveMessageSize = 256 * 1024;
        })
            // A repeated property in a hub call's JSON is refused rather than letting the last one win.
            .AddJsonProtocol(json => json.PayloadSerializerOptions.AllowDuplicateProperties = false)
            // Binary and smaller on the wire than JSON; clients choose per connection.
            .AddMessagePackProtocol();

        // The dispatcher logs every exception a hub method throws as a failure with a stack trace, a refusal the hub
        // chose included; TickerHubFilter logs each call that fails, the right way, instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", level => level is not LogLevel.Error and >= LogLevel.Warning);
        return builder;
    }

    /// <summary>A key at its connection cap is refused at negotiate with a 429. Call after authentication.</summary>
    public static IApplicationBuilder UseConnectionCap(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(TickerHub.Path)
                && context.User.Identity?.IsAuthenticated == true
                && !context.Request.Query.ContainsKey("id"),
            hub => hub.UseMiddleware<ConnectionCapCheck>());
}
