using System.Text.RegularExpressions;

namespace SignalRTicker.Server.Instruments;

/// <summary>Symbol names: normalised to upper case, checked by shape and length before anything else sees them.</summary>
public static partial class Symbol
{
    public const int MaxLength = 20;

    /// <summary>Trims and upper-cases; false for anything that is not a well-formed symbol such as <c>BTC-USD</c>.</summary>
    public static bool TryNormalise(string? raw, out string symbol)
    {
        symbol = raw?.Trim().ToUpperInvariant() ?? "";
        return symbol.Length is > 0 and <= MaxLength && Shape().IsMatch(symbol);
    }

    /// <summary>
    /// A symbol taken from a URL path segment: a symbol with a slash (ALGO/USD) travels encoded as ALGO%2FUSD, which
    /// routing leaves as it came. <paramref name="raw"/> is what was sent, decoded, for an error message.
    /// </summary>
    public static bool TryFromPath(string segment, out string symbol, out string raw)
    {
        raw = Uri.UnescapeDataString(segment);
        return TryNormalise(raw, out symbol);
    }

    /// <summary>A safe way to echo what a client sent in an error: quoted, printable, and cut short.</summary>
    public static string Describe(string? raw)
    {
        if (raw is null)
        {
            return "null";
        }

        var printable = new string([.. raw.Take(MaxLength + 1).Select(c => char.IsControl(c) ? '?' : c)]);
        return raw.Length > MaxLength ? $"'{printable[..MaxLength]}…' ({raw.Length} characters)" : $"'{printable}'";
    }

    [GeneratedRegex("^[A-Z0-9]+([.\\-/][A-Z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
