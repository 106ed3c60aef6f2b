namespace SignalRTicker.Server.Instruments;

internal static partial class InstrumentLog
{
    [LoggerMessage(7000, LogLevel.Information, "Added {Added} simulated instruments from Ticker:Symbols; {Count} instruments in all", EventName = "InstrumentsSeeded")]
    public static partial void Seeded(ILogger logger, int added, int count);
}
