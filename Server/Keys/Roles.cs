namespace SignalRTicker.Server.Keys;

/// <summary>What a key may do: subscribe (user), publish and subscribe (publisher), everything (admin).</summary>
public static class Roles
{
    public const string User = "user";
    public const string Publisher = "publisher";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [User, Publisher, Admin];

    public static bool IsValid(string? role) => role is User or Publisher or Admin;

    /// <summary>Publishers and admins may push quotes.</summary>
    public static bool MayPublish(string? role) => role is Publisher or Admin;
}
