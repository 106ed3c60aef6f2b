using System.Collections.Concurrent;

namespace SignalRTicker.Server.Errors;

/// <summary>
/// Keeps a flood of refusals (or of one failure) from becoming a log flood. Callers ask before writing their own line:
/// the first <see cref="LinesPerInterval"/> of a kind from one source (a connection, a client IP) in each
/// <see cref="Interval"/> are written; the rest are only counted, and one line per source and interval says how many
/// were left out. Memory is bounded: past <see cref="MaxSources"/> sources at once, new ones share one count.
/// </summary>
public sealed class RefusalLog : IDisposable
{
    public const int LinesPerInterval = 5;
    public const int MaxSources = 10_000;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private const string OtherSources = "other sources";

    private readonly ConcurrentDictionary<(string Kind, string Source), Window> _windows = new();
    private readonly TimeProvider _time;
    private readonly ILogger<RefusalLog> _logger;
    private readonly ITimer _timer;
    private int _count;

    public RefusalLog(TimeProvider time, ILogger<RefusalLog> logger)
    {
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(_ => Flush(), null, Interval, Interval);
    }

    private sealed class Window(long start)
    {
        public long Start { get; set; } = start;

        public int Written { get; set; }

        public int LeftOut { get; set; }

        public bool Closed { get; set; }
    }

    /// <summary>True when the caller should write its line for this refusal; false when it is only counted.</summary>
    public bool ShouldLog(string kind, string source)
    {
        var now = _time.GetTimestamp();
        while (true)
        {
            var window = Find(kind, source, now);
            lock (window)
            {
                if (window.Closed)
                {
                    continue;
                }

                if (_time.GetElapsedTime(window.Start, now) >= Interval)
                {
                    Report(kind, source, window);
                    window.Start = now;
                }

                if (window.Written < LinesPerInterval)
                {
                    window.Written++;
                    return true;
                }

                window.LeftOut++;
                return false;
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush(all: true);
    }

    private Window Find(string kind, string source, long now)
    {
        if (_windows.TryGetValue((kind, source), out var window))
        {
            return window;
        }

        if (Volatile.Read(ref _count) >= MaxSources)
        {
            source = OtherSources;
        }

        return _windows.GetOrAdd((kind, source), _ =>
        {
            Interlocked.Increment(ref _count);
            return new Window(now);
        });
    }

    /// <summary>Reports and drops the windows that have ended, so a flood that stopped still gets its count written.</summary>
    private void Flush(bool all = false)
    {
        var now = _time.GetTimestamp();
        foreach (var ((kind, source), window) in _windows)
        {
            lock (window)
            {
                if (!all && _time.GetElapsedTime(window.Start, now) < Interval)
                {
                    continue;
                }

                Report(kind, source, window);
                window.Closed = true;
            }

            if (_windows.TryRemove(new KeyValuePair<(string, string), Window>((kind, source), window)))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }

    private void Report(string kind, string source, Window window)
    {
        if (window.LeftOut > 0)
        {
            ErrorsLog.NotLogged(_logger, window.LeftOut, kind, source, (int)Interval.TotalSeconds);
        }

        window.Written = 0;
        window.LeftOut = 0;
    }
}
