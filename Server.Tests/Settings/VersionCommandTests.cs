using SignalRTicker.Server.Tests.Startup;

namespace SignalRTicker.Server.Tests.Settings;

/// <summary><c>--version</c> answers and exits, as the built server run by an operator.</summary>
public sealed class VersionCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ticker-version-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Version_PrintsTheProductAndItsVersion_AndExitsWithoutStartingTheServer()
    {
        // Production with no signing key: a server that started would exit 1 naming Auth:SigningKey.
        await using var server = ServerProcess.Start(_folder.FullName, "Production", new Dictionary<string, string?>(), "--version");

        var exitCode = await server.ExitCodeAsync(TimeSpan.FromSeconds(30));

        var output = $"stdout:\n{string.Join('\n', server.Stdout)}\nstderr:\n{string.Join('\n', server.Stderr)}";
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}");
        var line = Assert.Single(server.Stdout, l => l.Trim().Length > 0);
        var version = typeof(SignalRTicker.Server.Settings.ProductVersion).Assembly.GetName().Version!.ToString(3);
        Assert.Matches($@"^SignalRTicker {System.Text.RegularExpressions.Regex.Escape(version)}(\+\S+)?$", line);
        Assert.DoesNotContain(server.Stderr, l => l.Trim().Length > 0);
        Assert.False(Directory.Exists(Path.Combine(_folder.FullName, "data")), "the data folder was created: the server started");
    }
}
