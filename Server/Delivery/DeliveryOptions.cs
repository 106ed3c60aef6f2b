using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.Delivery;

/// <summary>The <c>Delivery</c> section: how quotes reach each connection's socket.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "Delivery";

    /// <summary>
    /// How long a write to one connection may stay pending (the client stopped reading) before the connection is
    /// closed as a slow consumer. Until then its quotes are conflated: it gets the latest of each symbol when it resumes.
    /// </summary>
    public TimeSpan SlowConsumerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a connection's write may be in flight before the connection counts as behind. Until then every
    /// message waits for the next frame, in order, however many; once behind, only the latest quote of each symbol is
    /// kept (conflation) until it catches up. Zero conflates as soon as a write is in flight.
    /// </summary>
    public TimeSpan ConflateAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most messages that may wait for one connection; past it, quotes are conflated even if it is not behind.</summary>
    [Range(16, 1_000_000, ErrorMessage = "Delivery:MaxQueuedMessages must be between 16 and 1000000.")]
    public int MaxQueuedMessages { get; set; } = 10_000;

    /// <summary>
    /// The kernel send buffer of each client socket, in bytes (Linux doubles it); 0 leaves the OS to size it. Small
    /// enough that a client that stops reading shows up as a pending write (and is conflated) within a few ticks.
    /// </summary>
    [Range(0, 16 * 1024 * 1024, ErrorMessage = "Delivery:SocketSendBufferBytes must be between 0 (OS default) and 16777216.")]
    public int SocketSendBufferBytes { get; set; } = 32 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SlowConsumerTimeout <= TimeSpan.Zero || SlowConsumerTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("Delivery:SlowConsumerTimeout must be a positive duration of at most an hour, such as 00:00:30.");
        }

        if (ConflateAfter < TimeSpan.Zero || ConflateAfter >= SlowConsumerTimeout)
        {
            yield return new ValidationResult("Delivery:ConflateAfter must be zero or more and shorter than Delivery:SlowConsumerTimeout, such as 00:00:01.");
        }
    }
}
