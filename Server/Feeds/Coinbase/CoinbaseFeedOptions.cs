using System.Text.RegularExpressions;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds.Coinbase;

/// <summary>The <c>Feeds:Coinbase</c> section: which Coinbase Exchange products to stream, and from where.</summary>
public sealed partial class CoinbaseFeedOptions() : UpstreamFeedOptions(DefaultUrl, TimeSpan.FromSeconds(30))
{
    public const string SectionName = "Feeds:Coinbase";

    public const string DefaultUrl = "wss://ws-feed.exchange.coinbase.com";

    /// <summary>Product ids such as <c>BTC-USD</c>; each becomes an instrument of that name. None: the feed stays off.</summary>
    public List<string> Products { get; set; } = [];

    protected override string Section => SectionName;

    protected override string ListKey => nameof(Products);

    protected override List<string> Listed => Products;

    protected override string NameDescription => "a Coinbase product id such as BTC-USD";

    protected override bool TryNormalise(string? name, out string symbol) =>
        Symbol.TryNormalise(name, out symbol) && ProductId().IsMatch(symbol);

    /// <summary>Coinbase names a product by its base and quote currencies.</summary>
    [GeneratedRegex("^[A-Z0-9]+-[A-Z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ProductId();
}
