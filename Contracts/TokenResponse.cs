namespace SignalRTicker.Contracts;

/// <summary>An access token for the API and the hub, valid for <see cref="ExpiresIn"/> seconds.</summary>
public sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn, string UserId, string Role, IReadOnlyList<string> Symbols);
