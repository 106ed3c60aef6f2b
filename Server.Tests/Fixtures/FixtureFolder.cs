using System.Globalization;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// The folder a fixture's server lives in: data, sockets, configuration and log. It is in memory (/dev/shm) when the
/// machine has room there, because a PostgreSQL cluster copies several times faster to tmpfs than to disk. Names carry
/// the test host's PID, so folders of a run that was killed before it could clean up are removed by the next run.
/// </summary>
public static class FixtureFolder
{
    private const string Prefix = "ticker-";
    private const long MemoryRoomNeeded = 1L << 30;
    private static readonly TimeSpan OwnerTimeout = TimeSpan.FromSeconds(10);
    private static readonly string Root = ChooseRoot();

    // Once per test run, before the first folder is made.
    private static readonly Lazy<bool> SweptOnce = new(SweepDeadRuns);

    /// <summary>A new empty folder, readable by its owner only, given to <paramref name="owner"/> when the tests run as root.</summary>
    public static async Task<string> CreateAsync(string name, string? owner = null)
    {
        _ = SweptOnce.Value;
        var path = Path.Combine(Root, $"{Prefix}{name}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (owner is not null && Environment.IsPrivilegedProcess)
        {
            await ServerProcess.RunAsync(["chown", $"{owner}:", path], OwnerTimeout);
        }

        return path;
    }

    /// <summary>Deletes the folder; a server's last children may still be closing files in it, so this retries briefly.</summary>
    public static async Task DeleteAsync(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private static string ChooseRoot()
    {
        const string memory = "/dev/shm";
        return Directory.Exists(memory) && new DriveInfo(memory) is { IsReady: true, AvailableFreeSpace: > MemoryRoomNeeded }
            ? memory
            : Path.GetTempPath();
    }

    private static bool SweepDeadRuns()
    {
        foreach (var folder in Directory.EnumerateDirectories(Root, $"{Prefix}*"))
        {
            // ticker-{name}-{pid}-{guid}: the PID is the second field from the end.
            var fields = Path.GetFileName(folder).Split('-');
            if (fields.Length >= 4 && int.TryParse(fields[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                ProcessTable.IsGone(pid))
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another run may be sweeping the same folder; what is left is tried again next time.
                }
            }
        }

        return true;
    }
}
