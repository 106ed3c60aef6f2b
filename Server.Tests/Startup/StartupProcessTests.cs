namespace SignalRTicker.Server.Tests.Startup;

/// <summary>The server started as an operator starts it: a bad setting is one line naming it, and exit code 1.</summary>
public sealed class StartupProcessTests : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ticker-process-");

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>environment, setting, value ({folder} is this test's folder; null leaves it unset), the key the line must name</summary>
    public static TheoryData<string, string, string?, string> BadSettings => new()
    {
        { "Production", "Ticker:IntervalMs", "0", "Ticker:IntervalMs" },
        { "Production", "Auth:SigningKey", null, "Auth:SigningKey" },
        { "Production", "Auth:TokenLifetime", "00:00:00", "Auth:TokenLifetime" },
        { "Production", "Cors:AllowedOrigins:0", "https://dashboard.example.com/app", "Cors:AllowedOrigins:0" },
        { "Production", "OpenApi:Enabled", "maybe", "OpenApi:Enabled" },
        { "Production", "ConnectionStrings:Ticker", "Data Source={folder}/a-file/ticker.db", "ConnectionStrings:Ticker" },
        { "Production", "ConnectionStrings:Ticker", "Data Source={folder}", "ConnectionStrings:Ticker" },
        { "Production", "ConnectionStrings:Ticker", "Data Source=:memory:", "ConnectionStrings:Ticker" },
        { "Development", "ConnectionStrings:Ticker", "Data Source={folder}/a-file/ticker.db", "ConnectionStrings:Ticker" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task BadSetting_PrintsOneLineNamingIt_AndExitsWithCode1(string environment, string setting, string? value, string key)
    {
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, "a-file"), "not a folder");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Ticker"] = $"Data Source={_folder.FullName}/data/ticker.db",
            ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        settings[setting] = value?.Replace("{folder}", _folder.FullName, StringComparison.Ordinal);
        await using var server = ServerProcess.Start(_folder.FullName, environment, settings, "--urls", "http://127.0.0.1:0");

        var exitCode = await server.ExitCodeAsync(StartDeadline);

        var output = $"stdout:\n{string.Join('\n', server.Stdout)}\nstderr:\n{string.Join('\n', server.Stderr)}";
        Assert.True(exitCode == 1, $"exit code {exitCode}\n{output}");
        var line = Assert.Single(server.Stderr, l => l.Trim().Length > 0);
        Assert.StartsWith("SignalRTicker.Server cannot start: ", line);
        Assert.Contains(key, line);
        Assert.DoesNotContain(server.Stdout.Concat(server.Stderr), l => l.Contains("Unhandled exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnwritableDatabase_NamesTheSettingAndTheReason()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Ticker"] = $"Data Source={_folder.FullName}",
            ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        await using var server = ServerProcess.Start(_folder.FullName, "Production", settings, "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, await server.ExitCodeAsync(StartDeadline));

        var line = Assert.Single(server.Stderr, l => l.Trim().Length > 0);
        Assert.Contains("ConnectionStrings:Ticker", line);
        Assert.Contains(_folder.FullName, line);
        Assert.Contains("SQLite Error", line); // the reason, as SQLite gives it
    }

    [Fact]
    public async Task DatabaseThatCannotBeWritten_IsOneLineNamingTheSetting_AndExitCode1()
    {
        var database = Path.Combine(_folder.FullName, "data", "ticker.db");
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Ticker"] = $"Data Source={database}",
            ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        await using (var first = ServerProcess.Start(_folder.FullName, "Production", settings, "--urls", "http://127.0.0.1:0"))
        {
            await first.LineAsync(line => line.Contains("Application started", StringComparison.Ordinal), StartDeadline);
        }

        using var readOnly = Health.UnwritableDatabase.Make(database);
        await using var server = ServerProcess.Start(_folder.FullName, "Production", settings, "--urls", "http://127.0.0.1:0");

        var exitCode = await server.ExitCodeAsync(StartDeadline);

        var output = $"stdout:\n{string.Join('\n', server.Stdout)}\nstderr:\n{string.Join('\n', server.Stderr)}";
        Assert.True(exitCode == 1, $"exit code {exitCode}\n{output}");
        var line = Assert.Single(server.Stderr, l => l.Trim().Length > 0);
        Assert.StartsWith("SignalRTicker.Server cannot start: ConnectionStrings:Ticker", line);
        Assert.Contains("readonly", line);
        // Nothing else: no failure logged on the way (the SQL that failed, a stack trace).
        // (Production logs JSON lines: a failure is one with "LogLevel":"Error" or "Critical".)
        Assert.True(server.Stdout.All(l => !l.StartsWith("fail:", StringComparison.Ordinal) && !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)
                                           && !l.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) && !l.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal)), output);
    }
}
