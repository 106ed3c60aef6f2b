namespace SignalRTicker.Contracts;

/// <summary>How a publish batch went: quotes accepted, and quotes ignored because they were older than the latest.</summary>
public sealed record PublishResult(int Accepted, int Ignored);
