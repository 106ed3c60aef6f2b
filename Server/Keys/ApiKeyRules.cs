using System.Globalization;
using System.Text;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Storage;

namespace SignalRTicker.Server.Keys;

/// <summary>What a key's name, role and symbols may be, shared by the admin API and the command line.</summary>
public static class ApiKeyRules
{
    public const int MaxNameLength = ApiKey.MaxNameLength;
    public const int MaxSymbols = 200;
    public const string AllSymbols = "*";

    /// <summary>
    /// Checks a new key's name, role and symbols (each an instrument the gateway knows); the errors are keyed by
    /// field, for a validation problem.
    /// </summary>
    public static Dictionary<string, string[]> Validate(
        string? name, string? role, IReadOnlyList<string?>? symbols, IInstrumentCatalog instruments, out List<string> normalised)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["A name is required, such as the customer or service the key is for."];
        }
        else if (name.Trim().Length > MaxNameLength || !IsVisibleText(name))
        {
            errors["name"] = [$"The name must be at most {MaxNameLength} printable characters, without control or invisible formatting characters (such as U+202E or U+200B)."];
        }

        if (!Roles.IsValid(role))
        {
            errors["role"] = [$"The role must be one of {string.Join(", ", Roles.All.Select(r => $"\"{r}\""))}."];
        }

        if (NormaliseSymbols(symbols, instruments, out normalised) is { } problem)
        {
            errors["symbols"] = [problem];
        }

        return errors;
    }

    /// <summary>
    /// False for text that would not show as what it is in a list: control characters, invisible formatting ones
    /// (Unicode category Cf: bidirectional overrides and isolates, zero-width spaces and joiners, tags) that could make
    /// one key's name pass for another's, line and paragraph separators, and unpaired surrogates.
    /// </summary>
    public static bool IsVisibleText(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return false;
            }

            i += used;
        }

        return true;
    }

    /// <summary>Normalises a symbols list (trim, upper case, distinct) and names the first bad entry.</summary>
    private static string? NormaliseSymbols(IReadOnlyList<string?>? symbols, IInstrumentCatalog instruments, out List<string> normalised)
    {
        normalised = [];
        if (symbols is null || symbols.Count == 0)
        {
            return "At least one symbol is required; use [\"*\"] for every symbol.";
        }

        if (symbols.Count > MaxSymbols)
        {
            return $"At most {MaxSymbols} symbols are allowed.";
        }

        foreach (var raw in symbols)
        {
            if (raw?.Trim() == AllSymbols)
            {
                normalised = [AllSymbols];
                return symbols.Count == 1 ? null : "\"*\" stands alone: it already means every symbol.";
            }

            if (!Symbol.TryNormalise(raw, out var symbol))
            {
                return $"{Symbol.Describe(raw)} is not a valid symbol.";
            }

            if (!instruments.Contains(symbol))
            {
                return $"'{symbol}' is not an instrument of this gateway; GET /api/symbols lists them.";
            }

            if (!normalised.Contains(symbol))
            {
                normalised.Add(symbol);
            }
        }

        return null;
    }
}
