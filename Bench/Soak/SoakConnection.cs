namespace SignalRTicker.Bench.Soak;

/// <summary>
/// One soak connection and its plan: when its token runs out and when to renew it, when to drop it, when to try
/// again after a failure. One operation at a time (<see cref="TryBegin"/>): the fields are written only inside one.
/// </summary>
internal sealed class SoakConnection(RawHubConnection raw, bool trader)
{
    private int _busy;

    public RawHubConnection Raw { get; } = raw;

    public bool Trader { get; } = trader;

    /// <summary>It has subscribed once, so it comes back with Resume rather than Subscribe.</summary>
    public bool Subscribed { get; set; }

    public DateTimeOffset TokenExpires { get; set; }

    public DateTimeOffset RefreshAt { get; set; } = DateTimeOffset.MaxValue;

    public DateTimeOffset DropAt { get; set; } = DateTimeOffset.MaxValue;

    public DateTimeOffset RetryAt { get; set; }

    public bool TryBegin() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void End() => Volatile.Write(ref _busy, 0);
}
