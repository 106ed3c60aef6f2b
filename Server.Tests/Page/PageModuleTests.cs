using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>The page modules' own unit tests (wwwroot/tests), run by Node's test runner, so one `dotnet test` runs them too.</summary>
public sealed partial class PageModuleTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [NodeFact]
    public async Task PageModules_PassTheirNodeTests()
    {
        var node = Node.ExecutablePath ?? throw new InvalidOperationException(
            $"{Node.RequireVariable}=1 but node is not on the PATH; install it with `{Node.InstallHint}`.");
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = Path.Combine(Repository.Root, "wwwroot"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["--test", "--test-reporter=spec", "tests/"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var deadline = new CancellationTokenSource(Deadline))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node --test did not finish within {Deadline.TotalSeconds} s:\n{await stdout}{await stderr}");
            }
        }

        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"node --test failed (exit code {process.ExitCode}):\n{output}");
        Assert.True(Passed().Match(output) is { Success: true } passed && int.Parse(passed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0,
            $"node --test ran no tests:\n{output}");
    }

    [GeneratedRegex(@"^\S* ?pass (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Passed();
}
