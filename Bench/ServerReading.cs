namespace SignalRTicker.Bench;

/// <summary>One look at a local server: CPU time and RSS from /proc, runtime figures from its /metrics (each null when unavailable).</summary>
public sealed record ServerReading(DateTimeOffset At, double? CpuSeconds, long? RssBytes, RuntimeReading? Runtime);
