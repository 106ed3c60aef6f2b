using Microsoft.IdentityModel.Tokens;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// A credential refused by a check of its own (a used ticket, a revoked token): <see cref="Reason"/> names it in logs
/// and metrics; <see cref="Remedy"/> tells the caller what to do, in the challenge (ASCII only).
/// </summary>
public sealed class SecurityTokenRefusedException(string reason, string remedy) : SecurityTokenException($"{reason}: {remedy}")
{
    public string Reason { get; } = reason;

    public string Remedy { get; } = remedy;
}
