using System.ComponentModel.DataAnnotations;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Keys;

/// <summary>What a key's name, role and symbols may be, shared by the admin API and the command line.</summary>
public static class ApiKeyRules
{
    public const int MaxNameLength = 100;
    public const int MaxSymbols = 200;
    public const string AllSymbols = "*";

    /// <summary>Checks a new key's name, role and symbols; the errors are keyed by field, for a validation problem.</summary>
    public static Dictionary<string, string[]> Validate(string? name, string? role, IReadOnlyList<string?>? symbols, out List<string> normalised)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["A name is required, such as the customer or service the key is for."];
        }
        else if (name.Trim().Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"The name must be at most {MaxNameLength} printable characters."];
        }

        if (!Roles.IsValid(role))
        {
            errors["role"] = [$"The role must be \"{Roles.User}\" or \"{Roles.Admin}\"."];
        }

        if (NormaliseSymbols(symbols, out normalised) is { } bad)
        {
            errors["symbols"] = [bad.ErrorMessage!];
        }

        return errors;
    }

    /// <summary>Normalises a symbols list (trim, upper case, distinct) and names the first bad entry.</summary>
    public static ValidationResult? NormaliseSymbols(IReadOnlyList<string?>? symbols, out List<string> normalised)
    {
        normalised = [];
        if (symbols is null || symbols.Count == 0)
        {
            return new ValidationResult("At least one symbol is required; use [\"*\"] for every symbol.", ["symbols"]);
        }

        if (symbols.Count > MaxSymbols)
        {
            return new ValidationResult($"At most {MaxSymbols} symbols are allowed.", ["symbols"]);
        }

        foreach (var raw in symbols)
        {
            if (raw?.Trim() == AllSymbols)
            {
                normalised = [AllSymbols];
                return symbols.Count == 1
                    ? null
                    : new ValidationResult("\"*\" stands alone: it already means every symbol.", ["symbols"]);
            }

            if (!Symbol.TryNormalise(raw, out var symbol))
            {
                return new ValidationResult($"{Symbol.Describe(raw)} is not a valid symbol.", ["symbols"]);
            }

            if (!normalised.Contains(symbol))
            {
                normalised.Add(symbol);
            }
        }

        return null;
    }
}
