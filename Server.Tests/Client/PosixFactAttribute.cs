namespace SignalRTicker.Server.Tests.Client;

/// <summary>A fact that needs Linux or macOS (signals, file descriptors, a POSIX shell): skipped, with the reason, on Windows.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PosixFactAttribute : FactAttribute
{
    public PosixFactAttribute(string whyPosix)
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = $"Needs Linux or macOS: {whyPosix}";
        }
    }
}
