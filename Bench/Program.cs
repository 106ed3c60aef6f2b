using SignalRTicker.Bench.Commands;

namespace SignalRTicker.Bench;

/// <summary>
/// A load test users run against their own deployment. The default command is one measured window of N connections;
/// the subcommands are the long and the publishing workloads. Every run ends within its hard limit.
/// </summary>
internal static class Program
{
    // A namespaced Program rather than top-level statements: the tests see this assembly's internals and the server's,
    // and two global Program types would collide there.
    public static async Task<int> Main(string[] args)
    {
        var root = RunCommand.Create();
        root.Subcommands.Add(SoakCommand.Create());
        root.Subcommands.Add(SoakReportCommand.Create());
        root.Subcommands.Add(PublishCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }
}
