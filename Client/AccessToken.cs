using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>A bearer token from <c>POST /api/auth/token</c>, and when to get the next one. Its value is never printed.</summary>
/// <param name="Value">The JWT, for an <c>Authorization: Bearer</c> header or the hub's <c>RefreshToken</c>.</param>
/// <param name="IssuedAt">When this client asked for it, by its own clock.</param>
/// <param name="ExpiresAt">
/// The earliest the server may stop accepting it, by this client's clock: <paramref name="IssuedAt"/> plus the lifetime
/// the server gave, less the second a JWT's whole-second times can take off.
/// </param>
public sealed record AccessToken(string Value, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    private static readonly TimeSpan JwtPrecision = TimeSpan.FromSeconds(1);

    /// <summary>A quarter of the lifetime before expiry, at most a minute: early enough to ride out a slow request.</summary>
    public DateTimeOffset RefreshAt => ExpiresAt - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, (ExpiresAt - IssuedAt).Ticks / 4));

    /// <summary>The times only: the token is a secret.</summary>
    public override string ToString() => $"AccessToken {{ IssuedAt = {IssuedAt:O}, ExpiresAt = {ExpiresAt:O} }}";

    /// <summary>The token the server answered with, asked for at <paramref name="askedAt"/>.</summary>
    internal static AccessToken Issued(TokenResponse response, DateTimeOffset askedAt)
    {
        // The server counts the lifetime from its clock truncated to the whole second (a JWT's `exp` has no
        // fraction), so the token may expire up to a second before askedAt + expiresIn; a refresh planned from the
        // nominal time could come after the server has closed the connection.
        var lifetime = TimeSpan.FromSeconds(response.ExpiresIn);
        var truncation = lifetime > 2 * JwtPrecision ? JwtPrecision : lifetime / 2;
        return new AccessToken(response.AccessToken, askedAt, askedAt + lifetime - truncation);
    }
}
