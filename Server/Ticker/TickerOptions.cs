using System.ComponentModel.DataAnnotations;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

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

    public TimeSpan Interval => TimeSpan.FromMilliseconds(IntervalMs);

    /// <summary>
    /// How long a write to one connection may stay pending (the client stopped reading) before the connection is
    /// closed as a slow consumer. Until then its quotes are conflated: it gets the latest of each symbol when it resumes.
    /// </summary>
    public TimeSpan SlowConsumerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The kernel send buffer of each client socket, in bytes (Linux doubles it); 0 leaves the OS to size it. Small
    /// enough that a client that stops reading shows up as a pending write (and is conflated) within a few ticks.
    /// </summary>
    [Range(0, 16 * 1024 * 1024, ErrorMessage = "Ticker:SocketSendBufferBytes must be between 0 (OS default) and 16777216.")]
    public int SocketSendBufferBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// Run Kestrel's socket I/O on the thread that flushed it instead of queueing it to the thread pool (Kestrel's
    /// <c>UnsafePreferInlineScheduling</c>): one hop fewer per write under fan-out load.
    /// </summary>
    public bool InlineSocketScheduling { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SlowConsumerTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Ticker:SlowConsumerTimeout must be a positive duration, such as 00:00:30.");
        }

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
