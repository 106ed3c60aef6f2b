namespace SignalRTicker.Client;

/// <summary>A bearer token from <c>POST /api/auth/token</c>, and when to get the next one. Its value is never printed.</summary>
/// <param name="Value">The JWT, for an <c>Authorization: Bearer</c> header.</param>
/// <param name="IssuedAt">When this client asked for it, by its own clock.</param>
/// <param name="ExpiresAt">When the server stops accepting it: <paramref name="IssuedAt"/> plus the lifetime the server gave.</param>
public sealed record AccessToken(string Value, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>A quarter of the lifetime before expiry, at most a minute: early enough to ride out a slow request.</summary>
    public DateTimeOffset RefreshAt => ExpiresAt - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, (ExpiresAt - IssuedAt).Ticks / 4));

    /// <summary>The times only: the token is a secret.</summary>
    public override string ToString() => $"AccessToken {{ IssuedAt = {IssuedAt:O}, ExpiresAt = {ExpiresAt:O} }}";
}
