using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using SignalRTicker.Server.Errors;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// One place that says how a bearer token is read and validated. Features above Auth add their own checks to these
/// events (revocation, refusal budgets) from their own folders.
/// </summary>
internal sealed class ConfigureJwtBearer(IOptions<AuthOptions> authOptions, SigningKeys signingKeys, TicketStore tickets, TimeProvider time)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    /// <summary>The contract allows at most 5 seconds of clock skew (JwtBearer's default is 5 minutes).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>Browsers cannot set headers on a WebSocket, so only hub paths take the token from the query.</summary>
    public static readonly PathString HubsPath = "/hubs";

    public const string QueryTokenName = "access_token";

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var auth = authOptions.Value;
        options.MapInboundClaims = false;
        // Nothing reads the token back from the authentication properties, and a hub connection would hold it open.
        options.SaveToken = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            // Resolved per token, not copied here: keys rotate with reloaded configuration.
            IssuerSigningKeyResolver = (_, _, _, _) => signingKeys.ValidationKeys,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = ValidateLifetime,
            NameClaimType = TickerClaims.Name,
            RoleClaimType = TickerClaims.Role,
        };
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = async context =>
            {
                if (!context.HttpContext.Request.Path.StartsWithSegments(HubsPath))
                {
                    return;
                }

                // The SignalR clients send the credential in the header where they can (negotiate) and in the query
                // where they cannot (a browser's WebSocket); on hub paths a ticket is taken from either.
                string? token = context.Request.Query[QueryTokenName];
                if (string.IsNullOrEmpty(token))
                {
                    var header = context.Request.Headers.Authorization.ToString();
                    token = header.StartsWith("Bearer " + TicketStore.Prefix, StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
                }

                if (string.IsNullOrEmpty(token))
                {
                    return;
                }

                if (!TicketStore.IsTicket(token))
                {
                    context.Token = token;
                }
                else if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<HubMetadata>() is null)
                {
                    // Not a hub (/hubs/nothing): refused without touching the ticket, so a stray request cannot spend it.
                    context.Fail(new SecurityTokenRefusedException("ticket off the hub",
                        "connection tickets are accepted only by the hub's negotiate and connect - send your token in the Authorization header here"));
                }
                else
                {
                    await RedeemAsync(context, token);
                }
            },
            OnTokenValidated = context =>
            {
                if (context.Principal is { } user)
                {
                    context.Principal = TickerClaims.Compact(user, auth.Issuer);
                }

                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                var remedy = BearerRefusal.Describe(context.AuthenticateFailure).Remedy;
                context.ErrorDescription = remedy;
                ProblemDetail.Set(context.HttpContext, remedy);
                return Task.CompletedTask;
            },
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    private async Task RedeemAsync(MessageReceivedContext context, string ticket)
    {
        TicketUse? use;
        try
        {
            use = await tickets.RedeemAsync(ticket, context.Request.Query["id"], IsNegotiate(context.Request.Path), context.HttpContext.RequestAborted);
        }
        catch (ClusterUnavailableException)
        {
            context.Fail(new SecurityTokenRefusedException("ticket store unreachable",
                "connection tickets cannot be checked while the cluster's store is unreachable - retry in a few seconds, or send your access token"));
            return;
        }

        if (use is null)
        {
            context.Fail(new SecurityTokenRefusedException("bad ticket",
                "connection ticket unknown, used by another connection or older than 30 s - request a new one at POST /api/auth/ticket for each connection"));
            return;
        }

        context.HttpContext.Response.RegisterForDispose(use);
        context.HttpContext.Features.Set(use);
        context.Token = use.Token;
    }

    private static bool IsNegotiate(PathString path) => path.Value?.EndsWith("/negotiate", StringComparison.Ordinal) == true;

    /// <summary>The library reads the wall clock; this reads the injected <see cref="TimeProvider"/>, so tests can move time.</summary>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (notBefore is { } nbf && nbf > now + ClockSkew)
        {
            throw new SecurityTokenNotYetValidException($"The token is not valid before {nbf:O}.") { NotBefore = nbf };
        }

        if (expires.Value < now - ClockSkew)
        {
            throw new SecurityTokenExpiredException($"The token expired at {expires.Value:O}.") { Expires = expires.Value };
        }

        return true;
    }
}
