using Microsoft.Extensions.DependencyInjection.Extensions;
using SignalRTicker.Server.Feeds.Binance;
using SignalRTicker.Server.Feeds.Coinbase;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

public static class FeedsExtensions
{
    /// <summary>
    /// Everything that makes quotes: the simulated random walk, the publishing API, and the upstream feeds
    /// (Coinbase, Binance), which stay off until products or symbols are configured for them.
    /// </summary>
    public static IHostApplicationBuilder AddFeeds(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<IQuoteSource, RandomWalkQuoteSource>();
        builder.Services.TryAddSingleton<IFeedLeadership, SingleNodeLeadership>();
        builder.Services.AddSingleton<QuotePublisher>();
        builder.Services.AddUpstreamFeedOptions<CoinbaseFeedOptions>(CoinbaseFeedOptions.SectionName);
        builder.Services.AddUpstreamFeedOptions<BinanceFeedOptions>(BinanceFeedOptions.SectionName);
        builder.Services.AddSingleton<FeedInstrumentSeeder>();
        builder.Services.AddSingleton<IInstrumentLoader>(sp => sp.GetRequiredService<FeedInstrumentSeeder>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FeedInstrumentSeeder>());
        builder.Services.AddHostedService<SimulatedFeed>();
        builder.Services.AddHostedService<CoinbaseFeed>();
        builder.Services.AddHostedService<BinanceFeed>();
        return builder;
    }

    private static void AddUpstreamFeedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : UpstreamFeedOptions
    {
        services.AddOptions<TOptions>()
            .BindConfiguration(section)
            .Configure<IConfiguration>((options, configuration) => options.AddCommaSeparated(configuration))
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
