using System.Diagnostics;
using SignalRTicker.ConsoleClient;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>The built console program (ticker-client.dll, placed beside the tests), run as a process.</summary>
public static class ClientProcess
{
    /// <summary>Starts it with stdin, stdout and stderr redirected, and no API key from this environment.</summary>
    public static Process Start(params string[] arguments)
    {
        var start = StartInfo(arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    /// <summary><c>dotnet ticker-client.dll ARGUMENTS</c>, or a <c>/bin/sh -c</c> script that runs it as <c>"$0" "$@"</c>.</summary>
    public static ProcessStartInfo StartInfo(string[] arguments, string? shell = null)
    {
        var client = Path.Combine(AppContext.BaseDirectory, "ticker-client.dll");
        Assert.True(File.Exists(client), $"{client} was not built");
        string[] command = [Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", client, .. arguments];
        var start = new ProcessStartInfo(shell is null ? command[0] : "/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in shell is null ? command[1..] : ["-c", shell, .. command])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove(ClientCommandLine.ApiKeyVariable);
        return start;
    }

    /// <summary>Reads both outputs to the end and waits for the exit, with a deadline.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> WaitForExitAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().DefaultTimeout(TimeSpan.FromSeconds(20));
        return (process.ExitCode, await stdout.DefaultTimeout(), await stderr.DefaultTimeout());
    }

    /// <summary>Ends the process this test started, by its own handle, and waits (with a deadline) until it has gone.</summary>
    public static async Task KillAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().DefaultTimeout();
    }

    public static string Describe(Process process) => process.HasExited ? $"exit code {process.ExitCode}" : "still running";
}
