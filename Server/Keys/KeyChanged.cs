using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Keys;

/// <summary>
/// A key's name, role or symbols changed: every node applies the new access at once, and live connections of the key
/// leave the symbols it may no longer see.
/// </summary>
public sealed record KeyChanged(Guid KeyId, string Role, IReadOnlyList<string> Symbols, DateTimeOffset UpdatedAt, bool RoleChanged) : IControlMessage
{
    public static string Kind => "key-changed";

    public KeyAccess Access => new(KeyId, Role, Symbols, UpdatedAt);
}
