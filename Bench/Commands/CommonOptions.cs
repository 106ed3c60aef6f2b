using System.CommandLine;

namespace SignalRTicker.Bench.Commands;

/// <summary>Options every command has; each command gets its own instances.</summary>
internal static class CommonOptions
{
    public static Option<string> Url() => new("--url") { Description = "Server base address", DefaultValueFactory = _ => "http://127.0.0.1:5080/" };

    public static Option<string> ApiKey(string description) => new("--api-key") { Description = description, Required = true };

    public static Option<int?> ServerPid() => new("--server-pid") { Description = "Local server process: report its CPU and memory from /proc" };

    public static Option<bool> AllowRemote() => new("--allow-remote") { Description = "Allow a non-loopback --url (only load servers you own)" };

    /// <summary>The --url value as an http(s) address, or null after printing why not.</summary>
    public static Uri? ParseUrl(string? text)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }

        Console.Error.WriteLine("--url must be an absolute http(s) address, such as http://127.0.0.1:5080/.");
        return null;
    }

    /// <summary>Prints each problem; true when there were any.</summary>
    public static bool Refuse(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        list.ForEach(Console.Error.WriteLine);
        return list.Count > 0;
    }
}
