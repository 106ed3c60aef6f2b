using System.Diagnostics.Metrics;

namespace SignalRTicker.Server.Metrics;

/// <summary>
/// The ticker's instruments, on one <see cref="Meter"/> created through <see cref="IMeterFactory"/> (so tests can
/// read them with <c>MetricCollector</c> and OpenTelemetry exports them at <c>/metrics</c>).
/// </summary>
public sealed class TickerMetrics
{
    public const string MeterName = "SignalRTicker";

    /// <summary>The tag naming the upstream feed on the feed counters.</summary>
    public const string FeedTag = "feed";

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
        FeedDisconnects = meter.CreateCounter<long>("ticker.feed.disconnects", "{disconnect}", "Upstream feed connections that dropped or could not be made, tagged with the feed.");
        FeedMalformed = meter.CreateCounter<long>("ticker.feed.malformed", "{message}", "Upstream feed messages skipped because they could not be read, tagged with the feed.");
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

    /// <summary>Tagged <see cref="FeedTag"/> = the feed's source name (<c>coinbase</c>, <c>binance</c>).</summary>
    public Counter<long> FeedDisconnects { get; }

    /// <summary>Tagged <see cref="FeedTag"/> = the feed's source name.</summary>
    public Counter<long> FeedMalformed { get; }
}
