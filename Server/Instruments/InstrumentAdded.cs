using SignalRTicker.Server.Control;

namespace SignalRTicker.Server.Instruments;

/// <summary>An admin added an instrument: every node knows it from now on, starting where the database placed it.</summary>
/// <param name="Sequence">The last sequence it may have used before (a symbol added again carries on after it).</param>
public sealed record InstrumentAdded(string Symbol, string Source, decimal? StartPrice, long Sequence) : IControlMessage
{
    public static string Kind => "instrument-added";

    public static InstrumentAdded Of(InstrumentState state) =>
        new(state.Symbol, state.Source.Name(), state.StartPrice, state.Sequence);
}
