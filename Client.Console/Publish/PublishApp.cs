using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient.Publish;

/// <summary>
/// <c>ticker-client publish</c>: connects with a publisher's key, then pushes the input's quotes through the hub in
/// batches, with progress on stderr, and turns how it ended into an exit code.
/// </summary>
public static class PublishApp
{
    public const string Prefix = "ticker-client publish: ";

    public static async Task<int> RunAsync(PublishOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        TextReader input;
        try
        {
            input = options.File is null ? new StreamReader(Console.OpenStandardInput()) : File.OpenText(options.File);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"{Prefix}cannot read --file {options.File}: {ex.Message}");
            return ExitCodes.BadArguments;
        }

        using var _ = input;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await using var connection = new TickerConnection(options.Connection, http);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.StateChanged += status =>
        {
            if (status.State == TickerConnectionState.Connected)
            {
                connected.TrySetResult();
            }
        };

        var progress = new PublishProgress();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = connection.RunAsync(stop.Token);
        var reporting = options.ProgressEvery is { } every ? progress.ReportAsync(Console.Error, every, stop.Token) : Task.CompletedTask;
        int exitCode;
        var interrupted = false;
        try
        {
            // Connected before reading: a refused key or a server that is not there fails at once, even for an empty input.
            if (await Task.WhenAny(connected.Task, running) == running)
            {
                await running;
            }

            exitCode = await new BatchPublisher(options, progress, Console.Error).RunAsync(connection, new QuoteLineReader(input, options.Format), cancellationToken);
        }
        catch (TickerClientException ex)
        {
            await Console.Error.WriteLineAsync($"{Prefix}{ex.Message}");
            exitCode = ExitCodes.For(ex.Failure);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"{Prefix}could not read the input: {ex.Message}");
            exitCode = ExitCodes.Unexpected;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
            exitCode = ExitCodes.Ok;
        }

        await stop.CancelAsync();
        await reporting;
        try
        {
            await running;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // How a cancelled run ends.
        }
        catch (TickerClientException)
        {
            // Reported above, through the batch that was waiting for the connection.
        }

        await Console.Error.WriteLineAsync($"{Prefix}{(interrupted ? "interrupted" : "finished")}: {progress}");
        return exitCode;
    }
}
