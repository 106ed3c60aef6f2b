using System.Diagnostics.Metrics;

namespace SignalRTicker.Server.Metrics;

/// <summary>
/// The ticker's instruments, on one <see cref="Meter"/> created through <see cref="IMeterFactory"/> (so tests can
/// read them with <c>MetricCollector</c> and OpenTelemetry exports them at <c>/metrics</c>).
/// </summary>
public sealed class TickerMetrics
{
    public const string MeterName = "SignalRTicker";

    public TickerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        QuotesPublished = meter.CreateCounter<long>("ticker.quotes.published", "{quote}", "Quotes recorded by the gateway, from every source.");
        QuotesIgnored = meter.CreateCounter<long>("ticker.quotes.ignored", "{quote}", "Published quotes refused because they were older than their instrument's latest quote.");
        Deliveries = meter.CreateCounter<long>("ticker.quotes.delivered", "{quote}", "Quotes written to connections.");
        Writes = meter.CreateCounter<long>("ticker.writes", "{write}", "Coalesced writes: one per connection per flush, holding every quote ready for it.");
        Conflated = meter.CreateCounter<long>("ticker.quotes.conflated", "{quote}", "Quotes overwritten by a newer quote of the same symbol before a busy connection could take them.");
        SlowConsumerDisconnects = meter.CreateCounter<long>("ticker.slow_consumer.disconnects", "{connection}", "Connections closed because a write stayed pending longer than Delivery:SlowConsumerTimeout.");
        SendLag = meter.CreateHistogram<double>("ticker.send.lag", "ms", "Time from a tick's publication to the completion of a connection's write of it.");
        Connections = meter.CreateUpDownCounter<long>("ticker.connections", "{connection}", "Open hub connections.");
        Subscriptions = meter.CreateUpDownCounter<long>("ticker.subscriptions", "{subscription}", "Symbol subscriptions held by open connections.");
    }

    public Counter<long> QuotesPublished { get; }

    public Counter<long> QuotesIgnored { get; }

    public Counter<long> Deliveries { get; }

    public Counter<long> Writes { get; }

    public Counter<long> Conflated { get; }

    public Counter<long> SlowConsumerDisconnects { get; }

    public Histogram<double> SendLag { get; }

    public UpDownCounter<long> Connections { get; }

    public UpDownCounter<long> Subscriptions { get; }
}
