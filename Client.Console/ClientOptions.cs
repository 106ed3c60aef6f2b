using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient;

/// <summary>Everything the command line decides for watching prices.</summary>
/// <param name="StaleCheck">How often to ask the server which symbols are stale; null never asks.</param>
public sealed record ClientOptions(TickerConnectionOptions Connection, OutputFormat Output, bool Verbose, TimeSpan? StaleCheck);
