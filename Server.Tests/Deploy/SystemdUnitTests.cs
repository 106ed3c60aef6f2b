using System.Globalization;
using System.Text.RegularExpressions;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Page;

namespace SignalRTicker.Server.Tests.Deploy;

/// <summary>
/// deploy/signalr-ticker.service: the directives docs/deployment.md relies on are there, and systemd itself finds
/// nothing wrong with the file (an unknown key or a bad value is only a warning to systemd, so any output fails).
/// </summary>
public sealed partial class SystemdUnitTests
{
    /// <summary>Shutdown:DrainSeconds' default: the stop timeout must outlast the drain.</summary>
    private static readonly int DrainSeconds = new SignalRTicker.Server.Shutdown.ShutdownOptions().DrainSeconds;

    private static readonly string UnitPath = Path.Combine(Repository.Root, "deploy", "signalr-ticker.service");

    [Fact]
    public void Unit_RunsTheServerInProduction_AsItsOwnUser_WithSecretsFromTheEnvironmentFile()
    {
        var service = Section("Service");

        Assert.Equal(["signalr-ticker"], service["User"]);
        Assert.Matches(@"^/\S+/dotnet /opt/signalr-ticker/SignalRTicker\.Server\.dll$", Assert.Single(service["ExecStart"]));
        Assert.Equal(["/var/lib/signalr-ticker"], service["WorkingDirectory"]);
        Assert.Contains("ASPNETCORE_ENVIRONMENT=Production", service["Environment"]);
        Assert.Equal(["/etc/signalr-ticker/env"], service["EnvironmentFile"]);
        Assert.Equal(["on-failure"], service["Restart"]);
        Assert.Equal(["SIGTERM"], service["KillSignal"]);
        var stopTimeout = int.Parse(StopSeconds().Match(Assert.Single(service["TimeoutStopSec"])).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(stopTimeout > DrainSeconds + 5, $"TimeoutStopSec={stopTimeout}s leaves too little beyond a {DrainSeconds} s drain");
        Assert.Equal(["multi-user.target"], Section("Install")["WantedBy"]);
    }

    [Fact]
    public void Unit_IsHardened_AndWritesOnlyItsStateDirectory()
    {
        var service = Section("Service");

        foreach (var (key, value) in new[]
        {
            ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
            ("PrivateDevices", "yes"), ("StateDirectory", "signalr-ticker"), ("ReadWritePaths", "/var/lib/signalr-ticker"),
            ("RestrictSUIDSGID", "yes"), ("CapabilityBoundingSet", ""),
        })
        {
            Assert.True(service.TryGetValue(key, out var values) && values.SequenceEqual([value]), $"{key}={value} is missing");
        }

        // The JIT writes code and then runs it: this directive would stop the server at start.
        Assert.False(service.ContainsKey("MemoryDenyWriteExecute"));
    }

    [SystemdAnalyzeFact]
    public async Task Unit_PassesSystemdAnalyzeVerify_WithoutAWarning()
    {
        var folder = await FixtureFolder.CreateAsync("systemd");
        try
        {
            // verify checks that ExecStart's program exists: point it at this machine's dotnet if it is elsewhere.
            var unit = File.ReadAllText(UnitPath);
            if (!File.Exists("/usr/bin/dotnet"))
            {
                unit = unit.Replace("/usr/bin/dotnet", Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? Environment.ProcessPath, StringComparison.Ordinal);
            }

            var path = Path.Combine(folder, "signalr-ticker.service");
            await File.WriteAllTextAsync(path, unit);
            var output = await RunAsync(SystemdAnalyzeFactAttribute.Executable, "verify", path);

            Assert.True(output.Trim().Length == 0, $"systemd-analyze verify says:\n{output}");
        }
        finally
        {
            await FixtureFolder.DeleteAsync(folder);
        }
    }

    /// <summary>The section's directives, each with its values in order (a directive may repeat, as Environment does).</summary>
    private static Dictionary<string, List<string>> Section(string name)
    {
        var directives = new Dictionary<string, List<string>>();
        string? section = null;
        foreach (var raw in File.ReadAllLines(UnitPath))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"not a directive: {line}");
            if (section == name)
            {
                var key = line[..equals].Trim();
                directives.TryAdd(key, []);
                directives[key].Add(line[(equals + 1)..].Trim());
            }
        }

        Assert.True(directives.Count > 0, $"no [{name}] section in {UnitPath}");
        return directives;
    }

    private static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().DefaultTimeout();
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        return output;
    }

    [GeneratedRegex(@"^(\d+)s?$")]
    private static partial Regex StopSeconds();
}
