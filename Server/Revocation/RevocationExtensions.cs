using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Revocation;

public static class RevocationExtensions
{
    /// <summary>Revoked tokens and keys are refused on the next request; the revocation is announced on the control channel.</summary>
    public static IHostApplicationBuilder AddRevocation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RevocationOptions>()
            .BindConfiguration(RevocationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RevocationList>();
        builder.Services.AddSingleton<PendingRevocations>();
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, RevocationCheck>();
        builder.Services.AddScoped<Revoker>();

        // Hosted, so it starts with the host: it creates the list (which subscribes to revocations as it is created)
        // and fills it from the database before the first request.
        builder.Services.AddHostedService<RevocationSweeper>();
        return builder;
    }
}
