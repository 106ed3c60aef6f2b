namespace SignalRTicker.Bench;

/// <summary>
/// The server's .NET runtime figures at one moment, from its <c>System.Runtime</c> meter at <c>/metrics</c>: the
/// managed heap after the last collection (every generation, large and pinned objects included), collections so far
/// per generation and the time the GC has paused the process so far. Null where the server does not export it.
/// </summary>
public sealed record RuntimeReading(double? HeapBytes, double? Gen0, double? Gen1, double? Gen2, double? PauseSeconds)
{
    public static RuntimeReading From(PrometheusText metrics) => new(
        metrics.Sum("dotnet_gc_last_collection_heap_size_bytes"),
        metrics.Sum("dotnet_gc_collections_total", ("gc_heap_generation", "gen0")),
        metrics.Sum("dotnet_gc_collections_total", ("gc_heap_generation", "gen1")),
        metrics.Sum("dotnet_gc_collections_total", ("gc_heap_generation", "gen2")),
        metrics.Sum("dotnet_gc_pause_time_seconds_total"));
}
