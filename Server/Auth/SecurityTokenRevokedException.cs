using Microsoft.IdentityModel.Tokens;

namespace SignalRTicker.Server.Auth;

/// <summary>A well-signed, in-date token whose <c>jti</c> or key has been revoked.</summary>
public sealed class SecurityTokenRevokedException(string message) : SecurityTokenException(message);
