using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Revocation;

/// <summary>A token was revoked: it is refused from now on, and connections opened with it must close.</summary>
/// <param name="ExpiresAt">When the token would have expired anyway; after that, nothing needs to remember it.</param>
public sealed record TokenRevoked(string TokenId, Guid KeyId, DateTimeOffset ExpiresAt) : IControlMessage
{
    public static string Kind => "token-revoked";
}
