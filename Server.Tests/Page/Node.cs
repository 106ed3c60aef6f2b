namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// Node.js, which runs the page modules' unit tests (<c>node --test</c>, no npm packages). Those tests are skipped
/// (or, in CI, fail) when <c>node</c> is not on the PATH.
/// </summary>
public static class Node
{
    public const string RequireVariable = "TICKER_REQUIRE_NODE";
    public const string InstallHint = "apt-get install -y nodejs";

    public static string? ExecutablePath { get; } = Find();

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    private static string? Find()
    {
        var name = OperatingSystem.IsWindows() ? "node.exe" : "node";
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact that is skipped, with the command to install Node, when <c>node</c> is missing (unless CI requires it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (Node.ExecutablePath is null && !Node.IsRequired)
        {
            Skip = $"node is not on the PATH; install it with `{Node.InstallHint}` to run the page modules' tests " +
                   $"(set {Node.RequireVariable}=1 to make this a failure).";
        }
    }
}
