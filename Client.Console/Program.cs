using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.InteropServices;
using SignalRTicker.ConsoleClient;
using SignalRTicker.ConsoleClient.Publish;

// Options and --help: ClientOptions.cs. The feed: the SignalRTicker.Client library (Client/). The screen: Views/.
// The publish command: Publish/.
var parsed = ClientCommandLine.Build(ClientApp.RunAsync, PublishApp.RunAsync).Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction)
{
    // One line, not a page of help: scripts read stderr.
    await Console.Error.WriteLineAsync($"ticker-client: {parsed.Errors[0].Message} Run with --help for usage.");
    return ExitCodes.BadArguments;
}

// Ctrl+C (or SIGTERM) disconnects cleanly and exits 0. System.CommandLine's own handler would exit 130/143,
// so it is switched off. A second Ctrl+C while stopping is not intercepted: it ends the process at once.
using var shutdown = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, shutdown.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = !shutdown.IsCancellationRequested;
    shutdown.Cancel();
}
