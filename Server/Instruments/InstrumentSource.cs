namespace SignalRTicker.Server.Instruments;

/// <summary>Where an instrument's prices come from (named on the wire by <see cref="InstrumentSources"/>).</summary>
public enum InstrumentSource
{
    Simulated,
    Published,
    Coinbase,
    Binance,
}
