using System.Diagnostics;

namespace SignalRTicker.Server.Tests.Health;

/// <summary>
/// Makes a SQLite database unwritable underneath a running server, as a full or failing disk or an operator's mistake
/// would. The tests run as root, for whom file modes change nothing; the immutable attribute (<c>chattr +i</c>) stops
/// every write, root's included, through connections already open (their writes fail with SQLITE_IOERR) and new ones
/// (SQLite opens them read-only: SQLITE_READONLY), while reads go on. Both the database and its WAL are marked.
/// </summary>
public sealed class UnwritableDatabase : IDisposable
{
    private readonly string[] _files;
    private bool _restored;

    private UnwritableDatabase(string[] files) => _files = files;

    public static UnwritableDatabase Make(string databaseFile)
    {
        Chattr("+i", [databaseFile]);
        var files = new List<string> { databaseFile };
        // SQLite removes its WAL when the last connection closes: mark it only if it is there, and tolerate it vanishing.
        var wal = databaseFile + "-wal";
        if (File.Exists(wal) && TryChattr("+i", wal))
        {
            files.Add(wal);
        }

        return new UnwritableDatabase([.. files]);
    }

    /// <summary>The database takes writes again.</summary>
    public void Restore()
    {
        if (!_restored)
        {
            _restored = true;
            Chattr("-i", _files);
        }
    }

    public void Dispose() => Restore();

    private static bool TryChattr(string change, string file)
    {
        try
        {
            Chattr(change, [file]);
            return true;
        }
        catch (Xunit.Sdk.XunitException) when (!File.Exists(file))
        {
            return false;
        }
    }

    private static void Chattr(string change, string[] files)
    {
        var start = new ProcessStartInfo("chattr") { RedirectStandardError = true };
        start.ArgumentList.Add(change);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("chattr did not start");
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "chattr hung");
        Assert.True(process.ExitCode == 0, $"chattr {change} failed ({process.ExitCode}): {error}. These tests need root on a file system with the immutable attribute (ext4, xfs, btrfs).");
    }
}
