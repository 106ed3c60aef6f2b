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
    /// How many quotes of one symbol may wait for a connection whose previous write is still in flight, all of them
    /// sent in order in its next frame. Past that, only the latest of each symbol is kept (conflation), so a reader
    /// that stalls costs a bounded amount of memory. 1 conflates at once.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Delivery:MaxQueuedPerSymbol must be between 1 and 1000.")]
    public int MaxQueuedPerSymbol { get; set; } = 8;

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
    }
}
