using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.Auth;

public static class AuthExtensions
{
    /// <summary>API keys are exchanged for short-lived JWTs; every other endpoint and the hub take the JWT.</summary>
    public static IHostApplicationBuilder AddTickerAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AuthOptionsSetup>();
        builder.Services.AddSingleton<IPostConfigureOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsSetup>());
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsSetup>());

        builder.Services.AddOptions<SigningKeyOptions>().BindConfiguration(AuthOptions.SectionName);
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.TryAddSingleton<ITicketLedger, MemoryTicketLedger>();
        builder.Services.AddSingleton<TicketStore>();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddAuthorizationBuilder().AddTickerPolicies();
        return builder;
    }
}
