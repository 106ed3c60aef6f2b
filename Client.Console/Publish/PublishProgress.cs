using System.Globalization;

namespace SignalRTicker.ConsoleClient.Publish;

/// <summary>The publish command's counters, and the progress line it writes on stderr.</summary>
public sealed class PublishProgress
{
    private long _read, _accepted, _ignored, _batches, _errors;

    /// <summary>Quotes read from the input (lines that are not quotes are errors instead).</summary>
    public long Read => Interlocked.Read(ref _read);

    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Quotes the server ignored because they were older than their symbol's latest.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>Batches the server accepted.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Lines that were not quotes, and batches the server refused.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public void QuoteRead() => Interlocked.Increment(ref _read);

    public void BatchPublished(int accepted, int ignored)
    {
        Interlocked.Add(ref _accepted, accepted);
        Interlocked.Add(ref _ignored, ignored);
        Interlocked.Increment(ref _batches);
    }

    public void Error() => Interlocked.Increment(ref _errors);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"read {Read}, accepted {Accepted}, ignored {Ignored}, batches {Batches}, errors {Errors}");

    /// <summary>Writes the counters every <paramref name="interval"/> while they change, until cancelled.</summary>
    public async Task ReportAsync(TextWriter output, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        var last = ToString();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = ToString();
                if (now != last)
                {
                    await output.WriteLineAsync($"{PublishApp.Prefix}{now}").ConfigureAwait(false);
                    last = now;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over; the caller writes the final line.
        }
    }
}
