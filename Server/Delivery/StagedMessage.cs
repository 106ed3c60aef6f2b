namespace SignalRTicker.Server.Delivery;

/// <summary>One message for one writer in the batch being delivered; <see cref="Next"/> chains a writer's messages (-1 ends).</summary>
internal struct StagedMessage(OutgoingMessage message)
{
    public readonly OutgoingMessage Message = message;

    public int Next = -1;
}
