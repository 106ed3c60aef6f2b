using SignalRTicker.Client;
using SignalRTicker.ConsoleClient.Views;
using Spectre.Console;

namespace SignalRTicker.ConsoleClient;

/// <summary>Runs one <see cref="TickerConnection"/> into one view, and turns how it ended into an exit code.</summary>
public static class ClientApp
{
    public static async Task<int> RunAsync(ClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);

        // One HttpClient for the life of the process: token requests reuse its connections.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await using var connection = new TickerConnection(options.Connection, http);
        IQuoteView view = options.Output == OutputFormat.Json
            ? new JsonLinesView(StandardOutput.Open(), Console.Error, options.Verbose)
            : new TableView(AnsiConsole.Console, options.Connection);
        var stale = new StaleWatch(connection, options.StaleCheck);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rendering = view.RunAsync(connection, stale, stop.Token);
        var watching = stale.RunAsync(stop.Token);
        var running = connection.RunAsync(stop.Token);

        // The view ends early only when its output has gone (a closed pipe): that is a normal way to stop.
        await Task.WhenAny(rendering, running);
        await stop.CancelAsync();
        TickerClientException? failure = null;
        try
        {
            await running;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl+C, or the reader went away: the connection has already closed cleanly.
        }
        catch (TickerClientException ex)
        {
            failure = ex;
        }

        await rendering;
        await watching;
        if (failure is not null)
        {
            await Console.Error.WriteLineAsync($"ticker-client: {failure.Message}");
            return ExitCodes.For(failure.Failure);
        }

        return ExitCodes.Ok;
    }
}
