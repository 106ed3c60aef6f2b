namespace SignalRTicker.Contracts;

/// <summary>The body of <c>POST /api/auth/token</c>: an API key to exchange for an access token.</summary>
public sealed record TokenRequest(string? ApiKey);
