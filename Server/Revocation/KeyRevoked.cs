using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Revocation;

/// <summary>A key was revoked: every token issued from it is refused from now on, and their connections must close.</summary>
public sealed record KeyRevoked(Guid KeyId, DateTimeOffset RevokedAt) : IControlMessage
{
    public static string Kind => "key-revoked";
}
