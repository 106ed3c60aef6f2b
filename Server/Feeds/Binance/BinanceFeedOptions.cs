using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds.Binance;

/// <summary>The <c>Feeds:Binance</c> section: which Binance spot symbols to stream, and from where.</summary>
public sealed partial class BinanceFeedOptions() : UpstreamFeedOptions(DefaultUrl, TimeSpan.FromMinutes(5))
{
    public const string SectionName = "Feeds:Binance";

    public const string DefaultUrl = "wss://stream.binance.com:9443";

    /// <summary>Binance allows this many streams on one connection.</summary>
    public const int MaxStreams = 1024;

    /// <summary>Symbols such as <c>BTCUSDT</c>; each becomes an instrument of that name. None: the feed stays off.</summary>
    public List<string> Symbols { get; set; } = [];

    protected override string Section => SectionName;

    protected override string ListKey => nameof(Symbols);

    protected override List<string> Listed => Symbols;

    protected override string NameDescription => "a Binance symbol such as BTCUSDT";

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var result in base.Validate(validationContext))
        {
            yield return result;
        }

        if (InstrumentSymbols.Count > MaxStreams)
        {
            yield return new ValidationResult($"{SectionName}:Symbols lists {InstrumentSymbols.Count} symbols; one Binance connection carries at most {MaxStreams}.");
        }
    }

    protected override bool TryNormalise(string? name, out string symbol) =>
        Symbol.TryNormalise(name, out symbol) && SymbolName().IsMatch(symbol);

    /// <summary>Binance spells a spot symbol as its two currencies run together.</summary>
    [GeneratedRegex("^[A-Z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SymbolName();
}
