using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Instruments;

/// <summary>The <c>Ticker</c> section: which instruments exist, where they start, and how often they move.</summary>
public sealed class TickerOptions : IValidatableObject
{
    public const string SectionName = "Ticker";

    /// <summary>Used when <c>Ticker:Symbols</c> is not configured.</summary>
    public static readonly IReadOnlyDictionary<string, decimal> DefaultSymbols = new Dictionary<string, decimal>
    {
        ["BTC-USD"] = 42000m,
        ["ETH-USD"] = 2500m,
        ["SOL-USD"] = 150m,
        ["BNB-USD"] = 600m,
        ["AVAX-USD"] = 35m,
        ["LINK-USD"] = 18m,
        ["DOT-USD"] = 7m,
        ["ETH-BTC"] = 0.0595m,
    };

    /// <summary>Symbol → starting price. Configure as <c>Ticker:Symbols:BTC-USD = 42000</c>.</summary>
    public Dictionary<string, decimal> Symbols { get; set; } = [];

    /// <summary>Time between price ticks, in milliseconds.</summary>
    [Range(1, 60_000, ErrorMessage = "Ticker:IntervalMs must be between 1 and 60000.")]
    public int IntervalMs { get; set; } = 100;

    /// <summary>Standard deviation of one tick's relative move (0.0005 = 0.05%).</summary>
    [Range(0.0, 0.1, ErrorMessage = "Ticker:Volatility must be between 0 and 0.1.")]
    public double Volatility { get; set; } = 0.0005;

    /// <summary>Quotes kept per instrument for history and resume.</summary>
    [Range(1, 100_000, ErrorMessage = "Ticker:HistorySize must be between 1 and 100000.")]
    public int HistorySize { get; set; } = 1000;

    public TimeSpan Interval => TimeSpan.FromMilliseconds(IntervalMs);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (symbol, price) in Symbols)
        {
            if (!Symbol.TryNormalise(symbol, out var normalised) || normalised != symbol)
            {
                yield return new ValidationResult(
                    $"Ticker:Symbols:{symbol} is not a valid symbol: use upper-case letters and digits such as BTC-USD.");
            }

            if (price <= 0)
            {
                yield return new ValidationResult($"Ticker:Symbols:{symbol} must have a starting price above 0.");
            }
        }
    }
}
