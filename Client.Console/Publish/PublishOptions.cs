using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient.Publish;

/// <summary>Everything the command line decides for <c>ticker-client publish</c>.</summary>
/// <param name="Connection">Where to publish, with which key; no symbols (the command does not subscribe).</param>
/// <param name="File">The file to read; null reads standard input.</param>
/// <param name="Format">The input's format; null guesses it from the first line that is not blank.</param>
/// <param name="BatchSize">The most quotes sent in one <c>Publish</c> call.</param>
/// <param name="FlushAfter">How long a batch that is not full waits for more quotes before it is sent.</param>
/// <param name="KeepGoing">Report bad lines and refused batches, skip them, and go on.</param>
/// <param name="ProgressEvery">How often to report progress on stderr; null only at the end.</param>
public sealed record PublishOptions(
    TickerConnectionOptions Connection, string? File, InputFormat? Format, int BatchSize, TimeSpan FlushAfter, bool KeepGoing, TimeSpan? ProgressEvery);
