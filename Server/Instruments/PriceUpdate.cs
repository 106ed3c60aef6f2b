namespace SignalRTicker.Server.Instruments;

/// <summary>A new price for an instrument, before the gateway sequences it. No timestamp means the gateway's clock.</summary>
public readonly record struct PriceUpdate(string Symbol, decimal Price, decimal? Bid = null, decimal? Ask = null, DateTimeOffset? Timestamp = null);
