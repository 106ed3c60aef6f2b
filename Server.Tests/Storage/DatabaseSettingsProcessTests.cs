using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FreePort = SignalRTicker.Server.Tests.Fixtures.FreePort;
using SignalRTicker.Server.Tests.Startup;

namespace SignalRTicker.Server.Tests.Storage;

/// <summary>
/// The server started as an operator starts it, with a database setting it cannot use: one line naming the key and
/// why, exit code 1, and no hang when PostgreSQL does not answer.
/// </summary>
public sealed class DatabaseSettingsProcessTests : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ticker-database-");

    public void Dispose() => _folder.Delete(recursive: true);

    /// <summary>
    /// Database:Provider, ConnectionStrings:Ticker (null: the shipped SQLite default; {port}: a loopback port nothing
    /// listens on), the key the line names, what else it says.
    /// </summary>
    public static TheoryData<string, string?, string, string> BadDatabases => new()
    {
        { "Oracle", null, "Database:Provider", "must be Sqlite or Postgres, not 'Oracle'" },
        { "Postgres", null, "ConnectionStrings:Ticker", "is not a PostgreSQL connection string such as 'Host=" },
        { "Postgres", "", "ConnectionStrings:Ticker", "must be set to the PostgreSQL server's connection string" },
        { "Postgres", "Database=ticker;Username=ticker", "ConnectionStrings:Ticker", "must name the server's Host" },
        { "Postgres", "Host=127.0.0.1;Port={port};Database=ticker;Username=ticker;Password=secret-value", "ConnectionStrings:Ticker", "Connection refused" },
    };

    [Theory]
    [MemberData(nameof(BadDatabases))]
    public async Task BadDatabaseSetting_IsOneLineNamingTheKey_AndExitCode1(string provider, string? connectionString, string key, string reason)
    {
        var settings = Settings(provider, connectionString?.Replace("{port}", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        await using var server = ServerProcess.Start(_folder.FullName, "Production", settings, "--urls", "http://127.0.0.1:0");

        var line = await FailureLineAsync(server);

        Assert.StartsWith($"SignalRTicker.Server cannot start: {key}", line);
        Assert.True(line.Contains(reason, StringComparison.Ordinal), line);
        Assert.DoesNotContain("secret-value", line);
    }

    [Fact]
    public async Task PostgresThatNeverAnswers_FailsWithinTheConnectionTimeout_NamingTheKey()
    {
        // Accepts connections and says nothing, as a server behind a dead proxy or a wrong port might.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var settings = Settings("Postgres", $"Host=127.0.0.1;Port={port};Database=ticker;Username=ticker;Password=secret-value;Timeout=2");
        var clock = Stopwatch.StartNew();
        await using var server = ServerProcess.Start(_folder.FullName, "Production", settings, "--urls", "http://127.0.0.1:0");

        var line = await FailureLineAsync(server);

        Assert.StartsWith("SignalRTicker.Server cannot start: ConnectionStrings:Ticker: the PostgreSQL database '127.0.0.1:", line);
        Assert.True(line.EndsWith("cannot be reached or migrated: The operation has timed out", StringComparison.Ordinal), line);
        Assert.DoesNotContain("secret-value", line);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed} to give up on a silent server");
    }

    private static Dictionary<string, string?> Settings(string provider, string? connectionString) => new()
    {
        ["Database:Provider"] = provider,
        ["ConnectionStrings:Ticker"] = connectionString,
        ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    /// <summary>The one line the server printed before it exited with code 1; nothing else, no stack trace.</summary>
    private static async Task<string> FailureLineAsync(ServerProcess server)
    {
        var exitCode = await server.ExitCodeAsync(StartDeadline);

        var output = $"stdout:\n{string.Join('\n', server.Stdout)}\nstderr:\n{string.Join('\n', server.Stderr)}";
        Assert.True(exitCode == 1, $"exit code {exitCode}\n{output}");
        Assert.DoesNotContain(server.Stdout.Concat(server.Stderr), l => l.Contains("Unhandled exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        return Assert.Single(server.Stderr, l => l.Trim().Length > 0);
    }
}
