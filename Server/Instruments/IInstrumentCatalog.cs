namespace SignalRTicker.Server.Instruments;

/// <summary>The symbols the gateway knows right now. Instruments can be added and removed while it runs.</summary>
public interface IInstrumentCatalog
{
    bool Contains(string symbol);

    /// <summary>A snapshot of every known symbol, in ordinal order.</summary>
    IReadOnlyList<string> Symbols { get; }
}
