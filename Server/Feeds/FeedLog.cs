namespace SignalRTicker.Server.Feeds;

internal static partial class FeedLog
{
    [LoggerMessage(3000, LogLevel.Information, "Simulated feed started: {InstrumentCount} instruments every {IntervalMs} ms", EventName = "SimulatorStarted")]
    public static partial void SimulatorStarted(ILogger logger, int instrumentCount, int intervalMs);

    [LoggerMessage(3001, LogLevel.Information, "Simulated feed stopped", EventName = "SimulatorStopped")]
    public static partial void SimulatorStopped(ILogger logger);

    [LoggerMessage(3002, LogLevel.Error, "Could not move {Symbol} this tick; it will move on the next", EventName = "MoveFailed")]
    public static partial void MoveFailed(ILogger logger, Exception exception, string symbol);

    [LoggerMessage(3003, LogLevel.Warning, "Publishing a tick failed; the next tick goes on", EventName = "PublishFailed")]
    public static partial void PublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(3004, LogLevel.Information, "Added {Added} simulated instruments from Ticker:Symbols; {Count} instruments in all", EventName = "InstrumentsSeeded")]
    public static partial void InstrumentsSeeded(ILogger logger, int added, int count);
}
