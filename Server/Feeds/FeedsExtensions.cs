using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SignalRTicker.Server.Feeds;

public static class FeedsExtensions
{
    /// <summary>Everything that makes quotes: the simulated random walk and the publishing API.</summary>
    public static IHostApplicationBuilder AddFeeds(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IQuoteSource, RandomWalkQuoteSource>();
        builder.Services.AddSingleton<QuotePublisher>();
        builder.Services.AddHostedService<FeedInstrumentSeeder>();
        builder.Services.AddHostedService<SimulatedFeed>();
        return builder;
    }
}
