namespace SignalRTicker.Server.Keys;

/// <summary>
/// What a key may do now: its role and symbols as last changed. Tokens carry the key's symbols at the time they were
/// issued; this is what the server checks instead, so a change applies to tokens issued before it.
/// </summary>
public sealed record KeyAccess(Guid KeyId, string Role, IReadOnlyList<string> Symbols, DateTimeOffset? UpdatedAt)
{
    /// <summary>No key: no role, no symbol.</summary>
    public static readonly KeyAccess None = new(Guid.Empty, "", [], null);

    private readonly HashSet<string> _symbols = new(Symbols, StringComparer.Ordinal);

    public bool AllSymbols => _symbols.Contains(ApiKeyRules.AllSymbols);

    public bool Allows(string symbol) => AllSymbols || _symbols.Contains(symbol);

    internal static KeyAccess Of(Storage.ApiKey key) => new(key.Id, key.Role, [.. key.Symbols], key.UpdatedAt);
}
