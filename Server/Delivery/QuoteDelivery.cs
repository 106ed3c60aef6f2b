using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Metrics;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// Fans each tick out to the connections subscribed to its symbols. Each quote is serialized once per hub protocol;
/// each connection gets one write per tick holding all of its quotes; a connection whose previous write is still
/// pending has its per-symbol slots overwritten (conflation) rather than queued, and one stalled past
/// <see cref="TickerOptions.SlowConsumerTimeout"/> is disconnected. <see cref="Publish"/> never waits for a client.
/// </summary>
/// <remarks>
/// Membership comes from <see cref="TickerLifetimeManager"/>, which sees every group join and leave, so the hub keeps
/// SignalR's group-per-symbol model. The fan-out itself lives here rather than in the lifetime manager: it needs the
/// whole tick at once (to coalesce a connection's quotes into one frame), which a per-group
/// <c>SendGroupAsync</c> call never sees.
/// </remarks>
public sealed class QuoteDelivery
{
    /// <summary>Below this many connections one thread fans out faster than handing work to the pool.</summary>
    private const int ParallelThreshold = 256;

    private readonly ConcurrentDictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _symbolIndex;
    private readonly IHubProtocol[] _protocols;
    private readonly TimeProvider _time;
    private readonly TickerMetrics _metrics;
    private readonly IOptions<TickerOptions> _options;
    private readonly ILogger<QuoteDelivery> _logger;
    private long _tick;
    private int _version;
    private int _snapshotVersion = -1;
    private Subscriber[] _snapshot = [];

    public QuoteDelivery(QuoteBook book, IHubProtocolResolver protocols, TimeProvider time, TickerMetrics metrics,
        IOptions<TickerOptions> options, ILogger<QuoteDelivery> logger)
    {
        _symbolIndex = book.Symbols.Select((symbol, index) => KeyValuePair.Create(symbol, index)).ToDictionary(StringComparer.Ordinal);
        _protocols = [.. protocols.AllProtocols];
        _time = time;
        _metrics = metrics;
        _options = options;
        _logger = logger;
    }

    /// <summary>Open connections known to the delivery.</summary>
    public int ConnectionCount => _subscribers.Count;

    /// <summary>Whether the connection's quotes go straight to its WebSocket rather than through SignalR's transport.</summary>
    internal bool SendsDirect(string connectionId) => _subscribers.TryGetValue(connectionId, out var subscriber) && subscriber.Direct;

    /// <summary>
    /// Delivers one tick: every quote to every connection subscribed to its symbol, without waiting for any of them.
    /// Call from one thread at a time (the feed).
    /// </summary>
    public void Publish(IReadOnlyList<Quote> quotes)
    {
        if (quotes.Count == 0)
        {
            return;
        }

        var publishedAt = _time.GetTimestamp();
        var frames = new TickFrames(++_tick);
        var tick = new SerializedQuote[quotes.Count];
        for (var i = 0; i < quotes.Count; i++)
        {
            var message = new InvocationMessage(nameof(ITickerClient.Quote), [quotes[i]]);
            var bytes = new ReadOnlyMemory<byte>[_protocols.Length];
            for (var p = 0; p < _protocols.Length; p++)
            {
                bytes[p] = _protocols[p].GetMessageBytes(message);
            }

            tick[i] = new SerializedQuote(frames.Tick, _symbolIndex[quotes[i].Symbol], bytes);
        }

        _metrics.QuotesPublished.Add(quotes.Count);

        var subscribers = Snapshot();
        var timeout = _options.Value.SlowConsumerTimeout;
        var lanes = Environment.ProcessorCount;
        if (lanes == 1 || subscribers.Length < ParallelThreshold)
        {
            FanOut(subscribers, 0, 1, tick, frames, publishedAt, timeout);
        }
        else
        {
            // Each lane takes every lanes-th connection; the writes are synchronous copies into each connection's
            // pipe, and the socket sends happen on Kestrel's I/O threads.
            Parallel.For(0, lanes, lane => FanOut(subscribers, lane, lanes, tick, frames, publishedAt, timeout));
        }
    }

    private void FanOut(Subscriber[] subscribers, int lane, int lanes, SerializedQuote[] tick, TickFrames frames, long publishedAt, TimeSpan timeout)
    {
        for (var i = lane; i < subscribers.Length; i += lanes)
        {
            var subscriber = subscribers[i];
            var stalled = subscriber.Stalled(publishedAt);
            if (stalled > timeout)
            {
                Disconnect(subscriber, stalled, timeout);
                continue;
            }

            subscriber.Offer(tick, frames, publishedAt);
        }
    }

    private void Disconnect(Subscriber subscriber, TimeSpan stalled, TimeSpan timeout)
    {
        if (!_subscribers.TryRemove(subscriber.Connection.ConnectionId, out _))
        {
            return;
        }

        Interlocked.Increment(ref _version);
        _metrics.Subscriptions.Add(-subscriber.Close());
        _metrics.Connections.Add(-1);
        _metrics.SlowConsumerDisconnects.Add(1);
        DeliveryLog.SlowConsumerDisconnected(_logger, subscriber.Connection.ConnectionId, stalled.TotalSeconds, timeout.TotalSeconds);
        subscriber.Abort();
    }

    private Subscriber[] Snapshot()
    {
        var version = Volatile.Read(ref _version);
        if (version != _snapshotVersion)
        {
            _snapshot = [.. _subscribers.Values];
            _snapshotVersion = version;
        }

        return _snapshot;
    }

    internal void Connect(HubConnectionContext connection)
    {
        var protocolIndex = Array.FindIndex(_protocols, p => p.Name == connection.Protocol.Name);
        if (protocolIndex < 0)
        {
            DeliveryLog.UnknownProtocol(_logger, connection.ConnectionId, connection.Protocol.Name);
            return;
        }

        var socket = connection.GetHttpContext()?.Features.Get<SharedWebSocket>();
        var subscriber = new Subscriber(connection, socket, protocolIndex, _symbolIndex.Count, _time, _metrics, _logger);
        if (_subscribers.TryAdd(connection.ConnectionId, subscriber))
        {
            Interlocked.Increment(ref _version);
            _metrics.Connections.Add(1);
        }
    }

    internal void Disconnect(string connectionId)
    {
        if (_subscribers.TryRemove(connectionId, out var subscriber))
        {
            Interlocked.Increment(ref _version);
            _metrics.Subscriptions.Add(-subscriber.Close());
            _metrics.Connections.Add(-1);
        }
    }

    /// <summary>Group <paramref name="groupName"/> is a symbol's group: start filling that symbol's slot.</summary>
    internal void Join(string connectionId, string groupName)
    {
        if (TrySymbol(groupName, out var symbol) && _subscribers.TryGetValue(connectionId, out var subscriber) && subscriber.Join(symbol))
        {
            _metrics.Subscriptions.Add(1);
        }
    }

    internal void Leave(string connectionId, string groupName)
    {
        if (TrySymbol(groupName, out var symbol) && _subscribers.TryGetValue(connectionId, out var subscriber) && subscriber.Leave(symbol))
        {
            _metrics.Subscriptions.Add(-1);
        }
    }

    private bool TrySymbol(string groupName, out int symbol)
    {
        symbol = -1;
        return groupName.StartsWith(Symbol.GroupPrefix, StringComparison.Ordinal)
            && _symbolIndex.TryGetValue(groupName[Symbol.GroupPrefix.Length..], out symbol);
    }
}
