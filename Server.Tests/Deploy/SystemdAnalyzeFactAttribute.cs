namespace SignalRTicker.Server.Tests.Deploy;

/// <summary>A fact that runs systemd-analyze: skipped, saying so, where systemd is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/systemd-analyze";

    public SystemdAnalyzeFactAttribute()
    {
        if (!File.Exists(Executable))
        {
            Skip = $"{Executable} is not installed (Debian's systemd package has it); the unit's directives are still checked by the other tests.";
        }
    }
}
