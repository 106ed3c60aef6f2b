using System.Security.Claims;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Auth;

/// <summary>The symbols a caller's token entitles them to: every symbol, or a list.</summary>
public sealed class Entitlements
{
    private readonly HashSet<string> _symbols;

    private Entitlements(IEnumerable<string> symbols) => _symbols = new HashSet<string>(symbols, StringComparer.Ordinal);

    public bool All => _symbols.Contains(ApiKeyRules.AllSymbols);

    public static Entitlements Of(ClaimsPrincipal? user) =>
        new(user?.FindAll(TickerClaims.Symbols).Select(c => c.Value) ?? []);

    public bool Allows(string symbol) => All || _symbols.Contains(symbol);
}
