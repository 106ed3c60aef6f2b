namespace SignalRTicker.Server.Auth;

/// <summary>A ticket taken for its first use: the JWT it stands for and the key that asked for it.</summary>
public sealed record TicketClaim(string Token, string KeyId);
