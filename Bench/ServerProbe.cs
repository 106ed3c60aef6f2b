namespace SignalRTicker.Bench;

/// <summary>
/// Reads a local server's CPU time and RSS from /proc/PID, and its runtime figures (managed heap, collections, GC
/// pauses) from its Prometheus endpoint, which the server serves to an admin token outside Development.
/// </summary>
internal sealed class ServerProbe(int? pid, GatewayApi? admin, TextWriter log)
{
    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(10);
    private bool _warned;

    public async Task<ServerReading> ReadAsync(CancellationToken cancellationToken)
    {
        var sample = ServerSample.Take(pid);
        return new ServerReading(DateTimeOffset.UtcNow, sample?.Cpu.TotalSeconds, sample?.RssBytes, await RuntimeAsync(cancellationToken));
    }

    private async Task<RuntimeReading?> RuntimeAsync(CancellationToken cancellationToken)
    {
        if (admin is null)
        {
            return null;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ScrapeTimeout);
            var text = await admin.MetricsAsync(timeout.Token);
            var reading = text is null ? null : RuntimeReading.From(new PrometheusText(text));
            if (reading?.HeapBytes is null)
            {
                Warn("the server's /metrics has no System.Runtime figures (or this key may not read it); heap and GC columns stay empty");
            }

            return reading;
        }
        catch (Exception ex) when (ex is HttpRequestException or Client.TickerClientException or Client.RateLimitedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Warn($"could not read /metrics: {ex.Message}");
            return null;
        }
    }

    private void Warn(string message)
    {
        if (!_warned)
        {
            _warned = true;
            log.WriteLine(message);
        }
    }
}
