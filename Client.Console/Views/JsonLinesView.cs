using System.Text.Json;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>One JSON quote per line (the contract's camelCase shape), for piping into other tools.</summary>
public sealed class JsonLinesView(TextWriter output, TextWriter? diagnostics = null) : IQuoteView
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _outputGone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(TickerConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.QuoteReceived += Write;
        connection.StateChanged += Report;
        connection.TokenIssued += Report;
        try
        {
            await _outputGone.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            connection.QuoteReceived -= Write;
            connection.StateChanged -= Report;
            connection.TokenIssued -= Report;
        }
    }

    private void Write(Quote quote)
    {
        var line = JsonSerializer.Serialize(quote, JsonSerializerOptions.Web);
        lock (_lock)
        {
            try
            {
                output.WriteLine(line);
                output.Flush();
            }
            catch (IOException)
            {
                // The output has gone away (a closed file or pipe): stop rather than drop quotes silently.
                _outputGone.TrySetResult();
            }
        }
    }

    private void Report(TickerConnectionStatus status) => Diagnose(StatusText.Describe(status));

    private void Report(AccessToken token) => Diagnose($"token issued, valid until {token.ExpiresAt:O}");

    private void Diagnose(string message)
    {
        if (diagnostics is null)
        {
            return;
        }

        lock (_lock)
        {
            diagnostics.WriteLine($"ticker-client: {message}");
        }
    }
}
