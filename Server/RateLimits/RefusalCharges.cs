using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.RateLimits;

/// <summary>Every bearer challenge is a refusal: logged, counted, and charged to the client IP when a credential was presented.</summary>
internal sealed class RefusalCharges(AuthRefusals refusals) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var challenge = options.Events.OnChallenge;
        options.Events.OnChallenge = async context =>
        {
            await challenge(context);
            refusals.Refuse(context.HttpContext, BearerRefusal.Describe(context.AuthenticateFailure).Reason, charge: context.AuthenticateFailure is not null);
        };
    }
}
