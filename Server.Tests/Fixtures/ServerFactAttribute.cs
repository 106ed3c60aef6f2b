namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>A fact that is skipped, with the install command, when a server program it needs is missing (unless CI requires them).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ServerFactAttribute : FactAttribute
{
    public ServerFactAttribute(Needs needs)
    {
        Needs = needs;
        Skip = ServerPrograms.SkipReason(needs);
    }

    public Needs Needs { get; }
}
