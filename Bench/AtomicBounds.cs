namespace SignalRTicker.Bench;

/// <summary>Lock-free running minimum and maximum: many receive loops record into one figure at once.</summary>
internal static class AtomicBounds
{
    /// <summary>Sets <paramref name="target"/> to <paramref name="value"/> if that is lower.</summary>
    public static void LowerTo(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Sets <paramref name="target"/> to <paramref name="value"/> if that is higher.</summary>
    public static void RaiseTo(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
