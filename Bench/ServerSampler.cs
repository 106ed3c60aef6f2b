using System.Globalization;

namespace SignalRTicker.Bench;

/// <summary>CPU time and resident memory of a local server process, from /proc (Linux).</summary>
public readonly record struct ServerSample(TimeSpan Cpu, long RssBytes, DateTimeOffset At)
{
    /// <summary>Linux's USER_HZ: /proc/PID/stat counts CPU time in these ticks on every mainstream platform.</summary>
    private const double TicksPerSecond = 100;

    public static ServerSample? Take(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which may contain spaces, start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var rssLine = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var rssKb = long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return new ServerSample(TimeSpan.FromSeconds(ticks / TicksPerSecond), rssKb * 1024, DateTimeOffset.UtcNow);
        }
        catch (IOException)
        {
            return null;   // not Linux, or the process is gone
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
