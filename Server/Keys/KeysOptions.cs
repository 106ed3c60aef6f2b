using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Keys;

/// <summary>The <c>Keys</c> section.</summary>
public sealed class KeysOptions
{
    public const string SectionName = "Keys";

    /// <summary>How often the database is read for key changes made by another process (the <c>keys update</c> command).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Keys:SweepInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
