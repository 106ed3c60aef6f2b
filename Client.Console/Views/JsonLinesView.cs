using System.Text.Json;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>
/// One JSON quote per line on <paramref name="output"/> (the contract's camelCase shape, with <c>bid</c> and <c>ask</c>
/// when the source gives them), for piping into other tools. Notices about the data go to <paramref name="errors"/>
/// as <c>ticker-client: ...</c> lines, so the output stays quotes only: a symbol turning stale or live, subscriptions
/// the server ended, and quotes a reconnect could not recover; with <paramref name="verbose"/>, connection changes,
/// tokens issued and tokens the live connection took without reconnecting too.
/// </summary>
public sealed class JsonLinesView(TextWriter output, TextWriter errors, bool verbose = false) : IQuoteView
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _outputGone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(TickerConnection connection, StaleWatch stale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(stale);
        connection.QuoteReceived += Write;
        connection.StateChanged += Report;
        connection.TokenIssued += Report;
        connection.TokenRefreshed += Report;
        connection.Unsubscribed += Report;
        connection.NotRecovered += Report;
        stale.Changed += Report;
        try
        {
            await _outputGone.Task.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        finally
        {
            connection.QuoteReceived -= Write;
            connection.StateChanged -= Report;
            connection.TokenIssued -= Report;
            connection.TokenRefreshed -= Report;
            connection.Unsubscribed -= Report;
            connection.NotRecovered -= Report;
            stale.Changed -= Report;
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

    private void Report(TickerConnectionStatus status)
    {
        if (verbose)
        {
            Notice(StatusText.Describe(status));
        }
    }

    private void Report(AccessToken token)
    {
        if (verbose)
        {
            Notice($"token issued, valid until {token.ExpiresAt:O}");
        }
    }

    private void Report(RefreshResult refreshed)
    {
        if (verbose)
        {
            Notice(StatusText.Describe(refreshed));
        }
    }

    private void Report(SymbolsUnsubscribed ended) => Notice(StatusText.Describe(ended));

    private void Report(SymbolNotRecovered lost) => Notice(StatusText.Describe(lost));

    private void Report(string symbol, bool isStale) => Notice(StatusText.DescribeStale(symbol, isStale));

    private void Notice(string message)
    {
        lock (_lock)
        {
            errors.WriteLine($"ticker-client: {message}");
        }
    }
}
