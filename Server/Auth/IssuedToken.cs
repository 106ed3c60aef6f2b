namespace SignalRTicker.Server.Auth;

/// <summary>A token just minted: the JWT, its id (<c>jti</c>), and when it was issued and expires.</summary>
public sealed record IssuedToken(string AccessToken, string TokenId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
