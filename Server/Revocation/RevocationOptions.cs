using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Revocation;

/// <summary>The <c>Revocation</c> section.</summary>
public sealed class RevocationOptions
{
    public const string SectionName = "Revocation";

    /// <summary>
    /// How often expired revocations and token records are purged, and revocations made by another process (the
    /// <c>keys revoke</c> command) are picked up and their connections closed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Revocation:SweepInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
