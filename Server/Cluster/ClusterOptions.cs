using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// The <c>Cluster</c> section: how fast a node gives up on Redis, how long a feed's lease lasts, how often a node says
/// it is alive. Clustering itself is turned on by <c>ConnectionStrings:Redis</c>.
/// </summary>
public sealed class ClusterOptions : IValidatableObject
{
    public const string SectionName = "Cluster";

    /// <summary>The connection string key that turns clustering on.</summary>
    public const string RedisConnectionStringName = "Redis";

    /// <summary>How long connecting to Redis may take before the attempt counts as failed (and is retried in the background).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one Redis command may take; work that needs Redis fails after this rather than hanging.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a feed's leadership lasts without renewal: a follower takes over at most this long (plus
    /// <see cref="AcquireInterval"/>) after the leader dies. The leader renews it three times per lease.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often a follower tries to take a feed whose lease has run out.</summary>
    public TimeSpan AcquireInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a node renews its liveness and rewrites its per-key connection counts.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often every node reloads the instruments from the database: the backstop for an add or removal announced during an outage.</summary>
    public TimeSpan InstrumentReloadInterval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RenewInterval => LeaseDuration / 3;

    /// <summary>A node whose heartbeat is this old is dead: its connections stop counting against any cap.</summary>
    public TimeSpan NodeTimeout => HeartbeatInterval * 3;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(ConnectTimeout), ConnectTimeout),
            (nameof(CommandTimeout), CommandTimeout),
            (nameof(LeaseDuration), LeaseDuration),
            (nameof(AcquireInterval), AcquireInterval),
            (nameof(HeartbeatInterval), HeartbeatInterval),
            (nameof(InstrumentReloadInterval), InstrumentReloadInterval),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{SectionName}:{name} must be above zero; it was {value}.");
            }
        }

        if (LeaseDuration < TimeSpan.FromMilliseconds(300))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(LeaseDuration)} must be at least 00:00:00.3, so the leader renews in time; it was {LeaseDuration}.");
        }
    }
}
