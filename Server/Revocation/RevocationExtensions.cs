using Microsoft.AspNetCore.SignalR;

namespace SignalRTicker.Server.Revocation;

public static class RevocationExtensions
{
    /// <summary>Revoked tokens and keys are refused on the next request and their hub connections closed at once.</summary>
    public static IHostApplicationBuilder AddRevocation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RevocationOptions>()
            .BindConfiguration(RevocationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RevocationList>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddScoped<Revoker>();
        builder.Services.AddSingleton<ConnectionFilter>();
        builder.Services.Configure<HubOptions>(options => options.AddFilter<ConnectionFilter>());

        // After AddKeys: hosted services start in order, and this one reads the migrated database.
        builder.Services.AddHostedService<RevocationSweeper>();
        return builder;
    }
}
