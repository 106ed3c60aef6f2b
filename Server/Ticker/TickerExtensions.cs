using Microsoft.Extensions.DependencyInjection.Extensions;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

public static class TickerExtensions
{
    /// <summary>The hub, the quote book and the feed that moves prices.</summary>
    public static IHostApplicationBuilder AddTicker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TickerOptions>()
            .BindConfiguration(TickerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<QuoteBook>();
        builder.Services.AddSingleton<IInstrumentCatalog>(sp => sp.GetRequiredService<QuoteBook>());
        builder.Services.TryAddSingleton<IQuoteSource, RandomWalkQuoteSource>();
        builder.Services.AddHostedService<QuoteFeedService>();

        builder.Services.AddSignalR(options =>
        {
            // Detailed errors would show exception messages to clients; HubException messages are always sent.
            options.EnableDetailedErrors = builder.Environment.IsDevelopment();
        })
            // Binary and smaller on the wire than JSON; clients choose per connection.
            .AddMessagePackProtocol();
        return builder;
    }
}
