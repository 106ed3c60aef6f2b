namespace SignalRTicker.Bench;

/// <summary>What the publisher achieved in the window: quotes the gateway accepted (and ignored), and failed batches.</summary>
public sealed record PublishLoadResult(
    string Via,
    double TargetPerSecond,
    int Batch,
    long Accepted,
    long Ignored,
    double AcceptedPerSecond,
    long BatchesFailed);
