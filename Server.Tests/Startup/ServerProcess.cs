using System.Diagnostics;
using System.Text.Json;

namespace SignalRTicker.Server.Tests.Startup;

/// <summary>
/// The built server (the SignalRTicker.Server.dll the build placed beside the tests) run as a process of its own, in a
/// working directory of its own, as an operator would start it: for what only a real process shows (its exit code,
/// what it prints before its logging is set up).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private ServerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_stderr, e.Data);
    }

    /// <summary>Starts the server with these settings (as environment variables; a null value is left unset) and arguments.</summary>
    public static ServerProcess Start(string workingDirectory, string environment, IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "SignalRTicker.Server.dll");
        Assert.True(File.Exists(server), $"{server} was not built");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(server);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var inherited in start.Environment.Keys.Where(IsServerSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        foreach (var (key, value) in settings.Where(setting => setting.Value is not null))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"));
        process._process.BeginOutputReadLine();
        process._process.BeginErrorReadLine();
        return process;
    }

    public IReadOnlyList<string> Stdout => Snapshot(_stdout);

    public IReadOnlyList<string> Stderr => Snapshot(_stderr);

    /// <summary>The exit code, once the process has ended and its output has been read to the end.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().DefaultTimeout(timeout);
        return _process.ExitCode;
    }

    /// <summary>The first line on stdout that matches, waiting for it.</summary>
    public async Task<string> LineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        string? found = null;
        await TaskTimeoutExtensions.WaitUntilAsync(() => (found = Stdout.FirstOrDefault(match)) is not null || _process.HasExited, timeout);
        return found ?? throw new InvalidOperationException(
            $"The server exited ({_process.ExitCode}) without that line.\nstdout:\n{string.Join('\n', Stdout)}\nstderr:\n{string.Join('\n', Stderr)}");
    }

    /// <summary>The address a Development server prints for its page, once it listens.</summary>
    public async Task<Uri> PageAddressAsync()
    {
        const string pageLine = "Development: the page is at ";
        var line = await LineAsync(line => line.Contains(pageLine, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        return new Uri(line.Split(pageLine)[1].Trim());
    }

    /// <summary>The demo key the shipped Development settings seed (what a developer pastes into the page).</summary>
    public static string ShippedDemoKey() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json"))).RootElement
            .GetProperty("Auth").GetProperty("DemoApiKey").GetString()!;

    /// <summary>Sends a POSIX signal (<c>TERM</c>, <c>INT</c>), as <c>kill</c> or systemd's stop does.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().DefaultTimeout();
        Assert.Equal(0, kill.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().DefaultTimeout();
        _process.Dispose();
    }

    /// <summary>Variables that would configure the server from the test's own environment.</summary>
    private static bool IsServerSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || name.Contains("__", StringComparison.Ordinal);

    private static void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static string[] Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
