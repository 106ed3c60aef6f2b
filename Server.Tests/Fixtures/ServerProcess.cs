using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// One server program a fixture started. Its output goes straight to a log file (the program writes it, so nothing is
/// lost if the test host dies), it is stopped by its own PID, and every failure carries the tail of that log.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;

    private ServerProcess(Process process, string name, string logPath)
    {
        _process = process;
        Name = name;
        LogPath = logPath;
        // A backstop for a fixture nobody disposed: the server must not outlive the test run.
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="command"/> with its output appended to <paramref name="logPath"/>; the PID is the program's own.</summary>
    public static ServerProcess Start(string name, string logPath, IReadOnlyList<string> command, string? workingDirectory = null)
    {
        // exec keeps the PID: the shell only opens the log and stdin, then becomes the program.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        foreach (var argument in (string[])["-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "sh", logPath, .. command])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        return new ServerProcess(process, name, logPath);
    }

    /// <summary>
    /// The command as <paramref name="user"/> when the tests run as root (PostgreSQL refuses to run as root), else as is.
    /// setpriv execs rather than forking like runuser, so the PID a fixture holds is the server's.
    /// </summary>
    public static IReadOnlyList<string> AsUser(string user, IReadOnlyList<string> command) =>
        Environment.IsPrivilegedProcess
            ? ["setpriv", $"--reuid={user}", $"--regid={user}", "--init-groups", "--", .. command]
            : command;

    /// <summary>Runs a short command to completion, failing with its output when it fails or overruns.</summary>
    public static async Task RunAsync(IReadOnlyList<string> command, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command[0]} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{string.Join(' ', command)}` did not finish within {timeout.TotalSeconds}s");
        }

        if (process.ExitCode != 0)
        {
            var output = Tail(await stdout + await stderr, 30);
            throw new InvalidOperationException($"`{string.Join(' ', command)}` exited with code {process.ExitCode}:\n{output}");
        }
    }

    /// <summary>Polls until <paramref name="isReady"/> says so; fails with the log tail if the program exits first or the deadline passes.</summary>
    public async Task WaitUntilReadyAsync(string what, Func<CancellationToken, Task<bool>> isReady, TimeSpan? timeout = null)
    {
        var limit = timeout ?? StartTimeout;
        using var deadline = new CancellationTokenSource(limit);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw Failure($"exited with code {_process.ExitCode} before it {what}");
                }

                if (await isReady(deadline.Token))
                {
                    return;
                }

                await poll.WaitForNextTickAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw Failure($"has not {what} within {limit.TotalSeconds}s");
        }
    }

    /// <summary>Waits until something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public Task WaitForPortAsync(int port, TimeSpan? timeout = null) =>
        WaitUntilReadyAsync($"accepted connections on 127.0.0.1:{port}", token => AcceptsConnectionsAsync(port, token), timeout);

    public static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (a kill(1) name: TERM, QUIT) and waits, killing the whole tree after
    /// <paramref name="grace"/>; KILL kills the whole tree at once, so no child is left holding the port.
    /// </summary>
    public async Task StopAsync(string signal, TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (signal == "KILL")
        {
            _process.Kill(entireProcessTree: true);
        }
        else
        {
            using var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
            // kill fails only when the process has just exited, which is what was asked for.
            await kill.WaitForExitAsync().WaitAsync(KillTimeout);
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(KillTimeout);
        }
    }

    /// <summary>An exception that says what went wrong and ends with the last lines the program logged.</summary>
    public InvalidOperationException Failure(string what) =>
        new($"{Name} (pid {_process.Id}) {what}. Last lines of {LogPath}:\n{LogTail()}");

    public string LogTail(int lines = 30)
    {
        try
        {
            // The program still has the file open for writing; share it.
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return Tail(reader.ReadToEnd(), lines);
        }
        catch (FileNotFoundException)
        {
            return "(no log written)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(KillTimeout);
        }

        _process.Dispose();
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
}
