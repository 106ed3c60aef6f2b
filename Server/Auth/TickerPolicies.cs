using Microsoft.AspNetCore.Authorization;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Auth;

public static class TickerPolicies
{
    /// <summary>May subscribe to quotes: any authenticated key (user, publisher or admin).</summary>
    public const string Subscriber = "subscriber";

    /// <summary>May manage keys.</summary>
    public const string Admin = "admin";

    internal static AuthorizationBuilder AddTickerPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Subscriber, policy => policy
            .RequireAuthenticatedUser()
            .RequireClaim(TickerClaims.Subject)
            .RequireRole(Roles.User, Roles.Publisher, Roles.Admin))
        .AddPolicy(Admin, policy => policy
            .RequireAuthenticatedUser()
            .RequireClaim(TickerClaims.Subject)
            .RequireRole(Roles.Admin));
}
