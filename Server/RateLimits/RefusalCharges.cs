using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;

namespace SignalRTicker.Server.RateLimits;

/// <summary>
/// Every bearer challenge is a refusal: logged, counted, and charged to the client IP when a credential was
/// presented. Over the IP's budget, the refusal is a 429 with Retry-After instead of a 401; a request whose credential
/// validates never gets here.
/// </summary>
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
            using var budget = refusals.RefuseBearer(
                context.HttpContext, BearerRefusal.Describe(context.AuthenticateFailure).Reason, presented: context.AuthenticateFailure is not null);
            if (!budget.IsAcquired)
            {
                context.HandleResponse();
                await RateLimitExtensions.RejectAsync(context.HttpContext, budget,
                    "Too many failed authentications from your address; check your token, then try again later.");
            }
        };
    }
}
