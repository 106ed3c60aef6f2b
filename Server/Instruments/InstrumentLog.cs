namespace SignalRTicker.Server.Instruments;

internal static partial class InstrumentLog
{
    [LoggerMessage(7000, LogLevel.Information, "Restored {Count} instruments from the database", EventName = "InstrumentsRestored")]
    public static partial void Restored(ILogger logger, int count);

    [LoggerMessage(7001, LogLevel.Error, "Could not save where the instruments stand; trying again in a second", EventName = "InstrumentSaveFailed")]
    public static partial void SaveFailed(ILogger logger, Exception exception);
}
