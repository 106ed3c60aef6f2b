using SignalRTicker.Bench;

namespace SignalRTicker.Server.Tests.Bench;

/// <summary>Reading the server's runtime figures from the Prometheus text it serves at /metrics.</summary>
public sealed class PrometheusTextTests
{
    private const string Sample = """
        # TYPE dotnet_gc_collections_total counter
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 3
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen1"} 7
        dotnet_gc_collections_total{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 41
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 1000
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen1"} 2000
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 3000
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="loh"} 4000
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="poh"} 500
        dotnet_gc_pause_time_seconds_total{otel_scope_name="System.Runtime"} 0.25 1700000000000
        http_server_active_requests{otel_scope_name="Microsoft.AspNetCore.Hosting",http_route="/a \"b\", c"} 1
        target_info{service_name="signalr-ticker"} 1
        """;

    [Fact]
    public void RuntimeReading_SumsTheHeapOverItsGenerations_AndReadsCollectionsPerGeneration()
    {
        var reading = RuntimeReading.From(new PrometheusText(Sample));

        Assert.Equal(new RuntimeReading(10_500, 41, 7, 3, 0.25), reading);
    }

    [Fact]
    public void Sum_MatchesALabelEvenWithQuotesAndCommasInOthers()
    {
        var text = new PrometheusText(Sample);

        Assert.Equal(1, text.Sum("http_server_active_requests", ("http_route", "/a \"b\", c")));
        Assert.Null(text.Sum("dotnet_gc_collections_total", ("gc_heap_generation", "gen3")));
        Assert.Null(text.Sum("no_such_metric"));
    }

    [Fact]
    public void RuntimeReading_OfAServerWithoutTheRuntimeMeter_IsEmpty() =>
        Assert.Equal(new RuntimeReading(null, null, null, null, null), RuntimeReading.From(new PrometheusText("target_info{a=\"b\"} 1\n")));
}
