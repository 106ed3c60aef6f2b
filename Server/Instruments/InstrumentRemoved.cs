using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Instruments;

/// <summary>An instrument is gone: its subscriptions end everywhere, and its quotes stop.</summary>
public sealed record InstrumentRemoved(string Symbol) : IControlMessage
{
    public static string Kind => "instrument-removed";
}
