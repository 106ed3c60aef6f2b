using System.Threading.Channels;
using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient.Publish;

/// <summary>
/// Moves quotes from the input to the hub's <c>Publish</c>. A reader fills a bounded channel, so a fast file waits for
/// the server instead of filling memory; batches hold up to <see cref="PublishOptions.BatchSize"/> quotes, or what
/// arrived within <see cref="PublishOptions.FlushAfter"/> of the first; one batch is in flight at a time, so the
/// quotes of a symbol arrive in input order and a refused batch stops everything after it.
/// </summary>
public sealed class BatchPublisher(PublishOptions options, PublishProgress progress, TextWriter errors)
{
    private const string RefusalPrefix = "Publish refused; nothing of the batch was published: ";

    private volatile bool _badLine;

    /// <summary>Publishes the input until it ends; returns the exit code.</summary>
    /// <exception cref="TickerClientException">The connection stopped for good (key refused, server unreachable).</exception>
    /// <exception cref="IOException">The input could not be read.</exception>
    public async Task<int> RunAsync(TickerConnection connection, QuoteLineReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(reader);
        var quotes = Channel.CreateBounded<InputLine>(new BoundedChannelOptions(options.BatchSize * 2) { SingleReader = true, SingleWriter = true });
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadAsync(reader, quotes.Writer, stopReading.Token);
        var refused = false;
        var batch = new List<InputLine>(options.BatchSize);
        try
        {
            while (await NextBatchAsync(quotes.Reader, batch, cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var result = await connection.PublishAsync([.. batch.Select(line => line.Quote!)], cancellationToken).ConfigureAwait(false);
                    progress.BatchPublished(result.Accepted, result.Ignored);
                }
                catch (PublishRefusedException ex)
                {
                    progress.Error();
                    refused = true;
                    await errors.WriteLineAsync(PublishApp.Prefix + DescribeRefusal(batch, ex) +
                        (options.KeepGoing ? " Skipped." : " Stopped there: nothing after it was sent.")).ConfigureAwait(false);
                    if (!options.KeepGoing)
                    {
                        return ExitCodes.PublishRefused;
                    }
                }
            }

            await reading.ConfigureAwait(false); // the channel is complete: the reader has finished
        }
        finally
        {
            // Stops a reader still going after a refusal; one blocked on a quiet stdin is left to end with the process.
            await stopReading.CancelAsync().ConfigureAwait(false);
        }

        return refused ? ExitCodes.PublishRefused : _badLine ? ExitCodes.BadInput : ExitCodes.Ok;
    }

    private async Task ReadAsync(QuoteLineReader reader, ChannelWriter<InputLine> quotes, CancellationToken cancellationToken)
    {
        // Off the caller's thread: a read from a pipe may block for as long as its writer is quiet.
        await Task.Yield();
        try
        {
            await foreach (var line in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (line.Quote is null)
                {
                    progress.Error();
                    _badLine = true;
                    await errors.WriteLineAsync($"{PublishApp.Prefix}line {line.Number}: {line.Error} " +
                        (options.KeepGoing ? "Skipped." : "Stopped there: the quotes before it are published, none after it.")).ConfigureAwait(false);
                    if (!options.KeepGoing)
                    {
                        break;
                    }

                    continue;
                }

                progress.QuoteRead();
                await quotes.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            }

            quotes.TryComplete();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            quotes.TryComplete();
        }
        catch (IOException ex)
        {
            quotes.TryComplete(ex);
        }
    }

    /// <summary>Fills <paramref name="batch"/> with the next quotes: a full batch, or what came within the flush interval of the first; false at the end of the input.</summary>
    private async Task<bool> NextBatchAsync(ChannelReader<InputLine> quotes, List<InputLine> batch, CancellationToken cancellationToken)
    {
        batch.Clear();
        if (!await quotes.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flush.CancelAfter(options.FlushAfter);
        while (batch.Count < options.BatchSize)
        {
            if (quotes.TryRead(out var line))
            {
                batch.Add(line);
                continue;
            }

            try
            {
                if (!await quotes.WaitToReadAsync(flush.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break; // the flush interval is up: send what there is
            }
        }

        return batch.Count > 0;
    }

    /// <summary>Names the input line of the item the server refused, or the batch's lines when it named none.</summary>
    private static string DescribeRefusal(List<InputLine> batch, PublishRefusedException refusal)
    {
        var lines = batch.Count == 1 ? $"line {batch[0].Number}" : $"lines {batch[0].Number}–{batch[^1].Number}";
        var reason = refusal.Message.StartsWith(RefusalPrefix, StringComparison.Ordinal) ? refusal.Message[RefusalPrefix.Length..] : refusal.Message;
        return refusal.ItemIndex is { } index && index >= 0 && index < batch.Count
            ? $"line {batch[index].Number}: refused by the server: {reason} Nothing of its batch ({lines}) was published."
            : $"{lines}: the server refused the batch: {reason} Nothing of it was published.";
    }
}
