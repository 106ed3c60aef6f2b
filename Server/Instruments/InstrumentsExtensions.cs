using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SignalRTicker.Server.Instruments;

public static class InstrumentsExtensions
{
    /// <summary>The instrument registry and the engine that sequences quotes.</summary>
    public static IHostApplicationBuilder AddInstruments(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TickerOptions>()
            .BindConfiguration(TickerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<InstrumentRegistry>();
        builder.Services.AddSingleton<IInstrumentCatalog>(sp => sp.GetRequiredService<InstrumentRegistry>());
        builder.Services.TryAddSingleton<IQuoteEngine, LocalQuoteEngine>();
        builder.Services.AddScoped<InstrumentStore>();

        // Hosted, and registered before the feeds: stored instruments are back before anything makes quotes.
        builder.Services.AddSingleton<InstrumentPersistence>();
        builder.Services.AddSingleton<IInstrumentLoader>(sp => sp.GetRequiredService<InstrumentPersistence>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InstrumentPersistence>());
        return builder;
    }
}
