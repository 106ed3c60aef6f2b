using System.Globalization;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>What /proc says about a PID, so tests can check that a fixture left no process behind.</summary>
public static class ProcessTable
{
    /// <summary>True when no process has this PID any more (a zombie waiting for its parent to reap it counts as gone).</summary>
    public static bool IsGone(int pid)
    {
        var stat = Stat(pid);
        return stat is null || stat.Value.State == 'Z';
    }

    /// <summary>The PIDs whose parent is <paramref name="pid"/>.</summary>
    public static IReadOnlyList<int> ChildrenOf(int pid) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var child) ? child : 0)
            .Where(child => child > 0 && Stat(child)?.ParentId == pid)
            .ToList();

    private static (char State, int ParentId)? Stat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
    }
}
