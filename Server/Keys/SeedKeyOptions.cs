namespace SignalRTicker.Server.Keys;

/// <summary>The keys of the <c>Auth</c> section that make a key exist after start.</summary>
public sealed class SeedKeyOptions
{
    public const string SectionName = "Auth";

    /// <summary>When set, an admin key with this value exists after start.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>When set, a user key with this value, entitled to every symbol, exists after start.</summary>
    public string? DemoApiKey { get; set; }
}
