using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using SignalRTicker.Server.RateLimits;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Auth;

/// <summary>One place that says how a bearer token is read and validated.</summary>
internal sealed class ConfigureJwtBearer(IOptions<AuthOptions> authOptions, SigningKeys signingKeys, RevocationList revocations, AuthRefusals refusals, TicketStore tickets, TimeProvider time)
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
            OnMessageReceived = context =>
            {
                if (!context.HttpContext.Request.Path.StartsWithSegments(HubsPath))
                {
                    return Task.CompletedTask;
                }

                // The SignalR clients send the credential in the header where they can (negotiate) and in the query
                // where they cannot (a browser's WebSocket); on hub paths a ticket is taken from either.
                string? token = context.Request.Query[QueryTokenName];
                if (string.IsNullOrEmpty(token))
                {
                    var header = context.Request.Headers.Authorization.ToString();
                    token = header.StartsWith("Bearer " + TicketStore.Prefix, StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
                }

                if (!string.IsNullOrEmpty(token))
                {
                    if (!TicketStore.IsTicket(token))
                    {
                        context.Token = token;
                    }
                    else if (tickets.Redeem(token, context.Request.Query["id"]) is { } jwt)
                    {
                        context.Token = jwt;
                    }
                    else
                    {
                        context.Fail(new SecurityTokenTicketException("The connection ticket is unknown, late, or already used."));
                    }
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                var user = context.Principal;
                if (user is not null && revocations.IsRevoked(user.FindFirst(TickerClaims.TokenId)?.Value, user.KeyId()))
                {
                    context.Fail(new SecurityTokenRevokedException("The token, or the key it was issued from, has been revoked."));
                }
                else if (user is not null)
                {
                    context.Principal = TickerClaims.Compact(user, auth.Issuer);
                }

                return Task.CompletedTask;
            },
            OnChallenge = context =>
            {
                var (reason, description) = Describe(context.AuthenticateFailure);
                context.ErrorDescription = description;
                refusals.Refuse(context.HttpContext, reason, description, charge: context.AuthenticateFailure is not null);
                return Task.CompletedTask;
            },
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    /// <summary>Why a request was refused, and what the caller should do (sent as the WWW-Authenticate error_description, ASCII only).</summary>
    internal static (string Reason, string Description) Describe(Exception? failure) =>
        ((failure as AggregateException)?.InnerException ?? failure) switch
        {
            null => ("no token",
                "no access token - send 'Authorization: Bearer <token>' with a token from POST /api/auth/token"),
            SecurityTokenExpiredException => ("token expired",
                "token expired - request a new one at POST /api/auth/token"),
            SecurityTokenTicketException => ("bad ticket",
                "connection ticket unknown, used or older than 30 s - request a new one at POST /api/auth/ticket for each connection"),
            SecurityTokenRevokedException => ("token revoked",
                "token revoked - request a new one at POST /api/auth/token with a key that is still valid"),
            _ => ("invalid token",
                "invalid token - request a new one at POST /api/auth/token"),
        };

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
