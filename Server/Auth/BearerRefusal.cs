using Microsoft.IdentityModel.Tokens;

namespace SignalRTicker.Server.Auth;

/// <summary>Why a bearer credential was refused, and what the caller should do about it.</summary>
public static class BearerRefusal
{
    /// <summary>A short reason (for logs and the refusal metric) and the remedy sent as the challenge's error_description (ASCII only).</summary>
    public static (string Reason, string Remedy) Describe(Exception? failure) =>
        ((failure as AggregateException)?.InnerException ?? failure) switch
        {
            null => ("no token",
                "no access token - send 'Authorization: Bearer <token>' with a token from POST /api/auth/token"),
            SecurityTokenExpiredException => ("token expired",
                "token expired - request a new one at POST /api/auth/token"),
            SecurityTokenRefusedException refused => (refused.Reason, refused.Remedy),
            _ => ("invalid token",
                "invalid token - request a new one at POST /api/auth/token"),
        };
}
