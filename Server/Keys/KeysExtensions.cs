using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SignalRTicker.Server.Keys;

public static class KeysExtensions
{
    /// <summary>API keys, stored hashed, and the record of the tokens issued from them; the seed keys made at start.</summary>
    public static IHostApplicationBuilder AddKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SeedKeyOptions>().BindConfiguration(SeedKeyOptions.SectionName);
        builder.Services.AddScoped<ApiKeyStore>();
        builder.Services.AddScoped<TokenStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<KeySeeder>();
        builder.Services.AddOptions<KeysOptions>()
            .BindConfiguration(KeysOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KeyAccessCache>();
        builder.Services.AddHostedService<KeyChangeSweeper>();
        return builder;
    }
}
