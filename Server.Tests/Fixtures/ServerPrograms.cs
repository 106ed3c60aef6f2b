namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// Where Debian's packages put the servers the fixtures run, and what a missing one means: tests that need it are
/// skipped with the command that installs it, unless <see cref="RequireVariable"/> makes that a failure (CI sets it).
/// </summary>
public static class ServerPrograms
{
    public const string RequireVariable = "TICKER_REQUIRE_SERVERS";

    private static readonly (Needs Need, string Executable, string Package)[] Programs =
    [
        (Needs.Redis, RedisServer.Executable, "redis-server"),
        (Needs.Postgres, PostgresServer.Executable, "postgresql"),
        (Needs.Nginx, NginxServer.Executable, "nginx"),
    ];

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Null when every program the test needs is installed or CI requires them; otherwise says how to install them.</summary>
    public static string? SkipReason(Needs needs)
    {
        var missing = Missing(needs);
        if (missing.Count == 0 || IsRequired)
        {
            return null;
        }

        return $"{string.Join(", ", missing.Select(p => p.Executable))} not installed; install with " +
               $"`{InstallCommand(missing)}` to run this test (set {RequireVariable}=1 to make this a failure).";
    }

    public static bool IsInstalled(Needs needs) => Missing(needs).Count == 0;

    /// <summary>What a fixture says when a test uses a server it could not start because its program is missing.</summary>
    public static InvalidOperationException NotRunning(Needs need)
    {
        var program = Programs.Single(p => p.Need == need);
        return new InvalidOperationException($"{program.Executable} is not running: it is missing or the fixture has not " +
                                             $"started. Install it with `{InstallCommand([program])}`.");
    }

    /// <summary>Throws with the install command when a fixture is asked to start a program that is not there.</summary>
    public static void EnsureInstalled(Needs need)
    {
        var missing = Missing(need);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{string.Join(", ", missing.Select(p => p.Executable))} is missing; install it with `{InstallCommand(missing)}`.");
        }
    }

    private static List<(Needs Need, string Executable, string Package)> Missing(Needs needs) =>
        Programs.Where(p => needs.HasFlag(p.Need) && !File.Exists(p.Executable)).ToList();

    private static string InstallCommand(IEnumerable<(Needs Need, string Executable, string Package)> missing) =>
        $"apt-get install -y {string.Join(' ', missing.Select(p => p.Package))}";
}
