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
            ? new JsonLinesView(StandardOutput.Open(), options.Verbose ? Console.Error : null)
            : new TableView(AnsiConsole.Console, options.Connection);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rendering = view.RunAsync(connection, stop.Token);
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
        if (failure is not null)
        {
            await Console.Error.WriteLineAsync($"ticker-client: {failure.Message}");
            return ExitCodes.For(failure.Failure);
        }

        return ExitCodes.Ok;
    }
}
