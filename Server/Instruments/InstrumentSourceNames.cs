using System.Diagnostics.CodeAnalysis;

namespace SignalRTicker.Server.Instruments;

/// <summary>The wire names of <see cref="InstrumentSource"/>: <c>simulated</c>, <c>published</c>, <c>coinbase</c>, <c>binance</c>.</summary>
public static class InstrumentSourceNames
{
    public static string Name(this InstrumentSource source) => source switch
    {
        InstrumentSource.Simulated => InstrumentSources.Simulated,
        InstrumentSource.Published => InstrumentSources.Published,
        InstrumentSource.Coinbase => InstrumentSources.Coinbase,
        InstrumentSource.Binance => InstrumentSources.Binance,
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown instrument source."),
    };

    public static bool TryParse([NotNullWhen(true)] string? name, out InstrumentSource source)
    {
        foreach (var candidate in Enum.GetValues<InstrumentSource>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                source = candidate;
                return true;
            }
        }

        source = default;
        return false;
    }
}
