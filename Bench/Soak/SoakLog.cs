namespace SignalRTicker.Bench.Soak;

/// <summary>
/// The soak's progress and trouble on stderr: every error is counted, and the first few of each interval are printed
/// with the time, so a failing run says what failed without flooding the terminal.
/// </summary>
internal sealed class SoakLog(TextWriter writer, SoakCounters counters)
{
    private const int LinesPerInterval = 10;
    private int _lines;

    public void Info(string message)
    {
        lock (writer)
        {
            writer.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {message}");
        }
    }

    /// <summary>Counts an error and prints it if the interval has not printed many yet.</summary>
    public void Error(string message)
    {
        counters.Add(SoakEvent.Errors);
        Trouble($"error: {message}");
    }

    /// <summary>Prints a line about something counted elsewhere (an unplanned disconnect), within the same allowance.</summary>
    public void Trouble(string message)
    {
        var line = Interlocked.Increment(ref _lines);
        if (line <= LinesPerInterval)
        {
            Info(message);
        }
        else if (line == LinesPerInterval + 1)
        {
            Info("(more this interval; counted, not printed)");
        }
    }

    public void NewInterval() => Interlocked.Exchange(ref _lines, 0);
}
