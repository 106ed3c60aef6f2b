using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Shutdown;

/// <summary>The <c>Shutdown</c> section: how a stopping node lets its clients go.</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// Seconds over which a stopping node closes its hub connections, a few at a time, so that the nodes taking them
    /// over are not hit by every reconnect at once. 0 closes them all at once.
    /// </summary>
    [Range(0, 300, ErrorMessage = "Shutdown:DrainSeconds must be between 0 and 300.")]
    public int DrainSeconds { get; set; } = 10;

    public TimeSpan Drain => TimeSpan.FromSeconds(DrainSeconds);
}
