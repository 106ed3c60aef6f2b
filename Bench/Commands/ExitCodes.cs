namespace SignalRTicker.Bench.Commands;

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server refused the key, could not be reached, or set-up failed.</summary>
    public const int Failed = 1;

    public const int BadArguments = 2;

    /// <summary>The run did not end within its hard limit.</summary>
    public const int TimedOut = 3;

    /// <summary>A soak ran to the end and failed one of its criteria.</summary>
    public const int SoakFailed = 4;
}
