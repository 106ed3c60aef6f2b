namespace SignalRTicker.Contracts;

/// <summary>Where an instrument's prices come from.</summary>
public static class InstrumentSources
{
    /// <summary>The built-in random walk.</summary>
    public const string Simulated = "simulated";

    /// <summary>Pushed by publishers through <c>POST /api/quotes</c> or the hub's <c>Publish</c>.</summary>
    public const string Published = "published";

    /// <summary>Coinbase Exchange's ticker channel.</summary>
    public const string Coinbase = "coinbase";

    /// <summary>Binance's ticker streams.</summary>
    public const string Binance = "binance";
}
