namespace SignalRTicker.Bench;

/// <summary>Lock-free latency counts in 0.1 ms buckets up to 10 s (later ones land in the last bucket); max kept exactly.</summary>
public sealed class LatencyHistogram
{
    private const double BucketMs = 0.1;
    private readonly long[] _buckets = new long[100_000];
    private long _count;
    private long _maxTicks;

    public long Count => Interlocked.Read(ref _count);

    public void Record(TimeSpan latency)
    {
        var ms = Math.Max(0, latency.TotalMilliseconds);
        var bucket = Math.Min(_buckets.Length - 1, (int)(ms / BucketMs));
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Increment(ref _count);
        AtomicBounds.RaiseTo(ref _maxTicks, latency.Ticks);
    }

    public double MaxMs => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks)).TotalMilliseconds;

    /// <summary>
    /// The upper edge of the bucket holding the <paramref name="quantile"/>th sample, in milliseconds; never more than
    /// the largest sample, which the last bucket's edge may overstate.
    /// </summary>
    public double PercentileMs(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += Interlocked.Read(ref _buckets[i]);
            if (seen >= rank)
            {
                return Math.Round(Math.Min((i + 1) * BucketMs, MaxMs), 1);
            }
        }

        return MaxMs;
    }
}
