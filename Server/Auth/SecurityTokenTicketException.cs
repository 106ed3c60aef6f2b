using Microsoft.IdentityModel.Tokens;

namespace SignalRTicker.Server.Auth;

/// <summary>A connection ticket that is unknown, late, or already used.</summary>
public sealed class SecurityTokenTicketException(string message) : SecurityTokenException(message);
