namespace SignalRTicker.Bench.Soak;

/// <summary>Lock-free counts of each <see cref="SoakEvent"/>, taken and reset at the end of every interval.</summary>
public sealed class SoakCounters
{
    private readonly long[] _counts = new long[Enum.GetValues<SoakEvent>().Length];

    public void Add(SoakEvent counted, long count = 1) => Interlocked.Add(ref _counts[(int)counted], count);

    public long Read(SoakEvent counted) => Interlocked.Read(ref _counts[(int)counted]);

    /// <summary>The counts since the last call, each set back to zero.</summary>
    public IReadOnlyDictionary<SoakEvent, long> TakeAndReset() =>
        Enum.GetValues<SoakEvent>().ToDictionary(e => e, e => Interlocked.Exchange(ref _counts[(int)e], 0));
}
