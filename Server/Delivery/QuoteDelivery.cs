using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// Fans messages out to the connections holding their topic. Each message is serialized once per hub protocol; each
/// connection gets one write per batch holding all of its messages; a connection whose previous write is still in
/// flight queues (then conflates) rather than blocking anyone, and one stalled past
/// <see cref="DeliveryOptions.SlowConsumerTimeout"/> is disconnected. Publishing never waits for a client.
/// </summary>
/// <remarks>
/// Batches come from any thread: a tick of the simulator, a publisher's batch, a group send through
/// <c>IHubContext</c>. They queue, and one caller at a time (whoever finds the delivery idle) drains the queue:
/// every batch waiting then is delivered as one, so a burst of small publishes still makes one frame per connection,
/// not one per quote. A batch costs work for the topics it names, not for all of them.
/// </remarks>
public sealed class QuoteDelivery
{
    /// <summary>Below this many connections in a batch one thread fans out faster than handing work to the pool.</summary>
    private const int ParallelThreshold = 256;

    private readonly ConcurrentDictionary<string, SymbolTopic> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<List<OutgoingMessage>> _queue = new();
    private readonly AsyncLocal<DeliveryBatch?> _batch = new();
    private readonly DeliveryProtocols _protocols;
    private readonly IOptions<DeliveryOptions> _options;
    private int _pumping;

    // Owned by whichever thread is pumping.
    private readonly List<QuoteWriter> _touched = [];
    private StagedMessage[] _staged = new StagedMessage[256];
    private long _batchNumber;

    public QuoteDelivery(DeliveryProtocols protocols, TimeProvider time, TickerMetrics metrics, IOptions<DeliveryOptions> options, ILogger<QuoteDelivery> logger)
    {
        _protocols = protocols;
        _options = options;
        Time = time;
        Metrics = metrics;
        Logger = logger;
    }

    internal TimeProvider Time { get; }

    internal TickerMetrics Metrics { get; }

    internal ILogger Logger { get; }

    internal DeliveryOptions Options => _options.Value;

    /// <summary>Topics with at least one member.</summary>
    public int TopicCount => _topics.Count;

    /// <summary>A writer for a new connection; null when the server cannot serialize for its protocol.</summary>
    public QuoteWriter? CreateWriter(HubConnectionContext connection)
    {
        var protocol = _protocols.IndexOf(connection.Protocol);
        if (protocol < 0)
        {
            DeliveryLog.UnknownProtocol(Logger, connection.ConnectionId, connection.Protocol.Name);
            return null;
        }

        var socket = connection.GetHttpContext()?.Features.Get<SharedWebSocket>();
        return new QuoteWriter(this, connection, socket, protocol);
    }

    /// <summary>Stops the writer and takes it out of every topic it held; false when it was closed already.</summary>
    public bool Close(QuoteWriter writer)
    {
        if (writer.Close() is not { } held)
        {
            return false;
        }

        foreach (var topic in held)
        {
            Leave(topic, writer);
        }

        Metrics.Subscriptions.Add(-held.Length);
        return true;
    }

    /// <summary>Adds the writer to the topic; false when it held it already (or is closed).</summary>
    public bool Join(QuoteWriter writer, string topicName)
    {
        while (true)
        {
            var topic = _topics.GetOrAdd(topicName, static name => new SymbolTopic(name));
            if (!writer.Join(topic))
            {
                return false;
            }

            // The writer holds the topic before the topic lists the writer: a batch that sees it as a member finds
            // it holding the topic.
            if (topic.TryAdd(writer))
            {
                Metrics.Subscriptions.Add(1);
                return true;
            }

            // The topic emptied and retired in between: undo, and join its successor.
            writer.Leave(topicName);
        }
    }

    /// <summary>Takes the writer out of the topic and drops its quotes still waiting; false when it did not hold it.</summary>
    public bool Leave(QuoteWriter writer, string topicName)
    {
        if (writer.Leave(topicName) is not { } topic)
        {
            return false;
        }

        Leave(topic, writer);
        Metrics.Subscriptions.Add(-1);
        return true;
    }

    /// <summary>Removes a topic with every member (an instrument removed); returns the writers that held it.</summary>
    public IReadOnlyList<QuoteWriter> RemoveTopic(string topicName)
    {
        if (!_topics.TryRemove(topicName, out var topic))
        {
            return [];
        }

        var members = topic.RemoveAll();
        var left = new List<QuoteWriter>(members.Length);
        foreach (var writer in members)
        {
            if (writer.Leave(topicName) is not null)
            {
                left.Add(writer);
            }
        }

        Metrics.Subscriptions.Add(-left.Count);
        return left;
    }

    private void Leave(SymbolTopic topic, QuoteWriter writer)
    {
        if (topic.Remove(writer))
        {
            _topics.TryRemove(new KeyValuePair<string, SymbolTopic>(topic.Name, topic));
        }
    }

    /// <summary>
    /// Groups every message published on this thread (and its async flow) until the batch is disposed into one
    /// delivery: each connection gets them in one frame. Nested batches join the outer one.
    /// </summary>
    public DeliveryBatch BeginBatch()
    {
        if (_batch.Value is not null)
        {
            return DeliveryBatch.Nested;
        }

        var batch = new DeliveryBatch(this);
        _batch.Value = batch;
        return batch;
    }

    /// <summary>
    /// Sends an invocation to every connection holding the topic. A quote (<paramref name="conflatable"/>) may be
    /// replaced by a newer one of the topic for a connection that is behind; nothing else is ever dropped.
    /// </summary>
    public void Publish(string topicName, InvocationMessage message, bool conflatable, IReadOnlyList<string>? excludedConnectionIds = null)
    {
        // No members, no work: not even serializing.
        if (!_topics.TryGetValue(topicName, out var topic))
        {
            return;
        }

        var outgoing = new OutgoingMessage(message, topic, conflatable, Time.GetTimestamp(), _protocols, excludedConnectionIds);
        if (_batch.Value is { } batch)
        {
            batch.Add(outgoing);
        }
        else
        {
            Enqueue([outgoing]);
        }
    }

    /// <summary>Sends an invocation to each writer, after everything already waiting for it; never dropped.</summary>
    public void Send(IReadOnlyCollection<QuoteWriter> writers, InvocationMessage message)
    {
        if (writers.Count == 0)
        {
            return;
        }

        var outgoing = new OutgoingMessage(message, topic: null, conflatable: false, Time.GetTimestamp(), _protocols);
        foreach (var writer in writers)
        {
            writer.Send(outgoing);
        }
    }

    internal void EndBatch(DeliveryBatch batch, List<OutgoingMessage> messages)
    {
        if (_batch.Value == batch)
        {
            _batch.Value = null;
        }

        if (messages.Count > 0)
        {
            Enqueue(messages);
        }
    }

    private void Enqueue(List<OutgoingMessage> messages)
    {
        _queue.Enqueue(messages);
        // Whoever finds the delivery idle delivers; the others leave their batch in the queue for it.
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
        {
            try
            {
                DeliverQueued();
            }
            catch (Exception ex)
            {
                DeliveryLog.BatchFailed(Logger, ex);
            }
            finally
            {
                Volatile.Write(ref _pumping, 0);
            }
        }
    }

    /// <summary>Delivers every batch waiting now as one: stage each message for each member, then offer per writer.</summary>
    private void DeliverQueued()
    {
        var batch = ++_batchNumber;
        var count = 0;
        while (_queue.TryDequeue(out var queued))
        {
            foreach (var message in queued)
            {
                foreach (var writer in message.Topic!.Members)
                {
                    if (message.Excluded is { } excluded && excluded.Contains(writer.ConnectionId))
                    {
                        continue;
                    }

                    if (count == _staged.Length)
                    {
                        Array.Resize(ref _staged, _staged.Length * 2);
                    }

                    _staged[count] = new StagedMessage(message);
                    if (writer.StagedBatch != batch)
                    {
                        writer.StagedBatch = batch;
                        writer.StagedHead = count;
                        _touched.Add(writer);
                    }
                    else
                    {
                        _staged[writer.StagedTail].Next = count;
                    }

                    writer.StagedTail = count;
                    count++;
                }
            }
        }

        if (_touched.Count == 0)
        {
            return;
        }

        var writers = _touched;
        var now = Time.GetTimestamp();
        var lanes = Environment.ProcessorCount;
        if (lanes == 1 || writers.Count < ParallelThreshold)
        {
            Offer(writers, 0, 1, now);
        }
        else
        {
            // Each lane takes every lanes-th connection; a write is a copy into the socket (or the connection's
            // pipe), and what the kernel cannot take at once completes on Kestrel's I/O threads.
            Parallel.For(0, lanes, lane => Offer(writers, lane, lanes, now));
        }

        writers.Clear();
        Array.Clear(_staged, 0, count);
    }

    private void Offer(List<QuoteWriter> writers, int lane, int lanes, long now)
    {
        var timeout = Options.SlowConsumerTimeout;
        for (var i = lane; i < writers.Count; i += lanes)
        {
            var writer = writers[i];
            var stalled = writer.Stalled(now);
            if (stalled > timeout)
            {
                CutOff(writer, stalled, timeout);
                continue;
            }

            writer.Offer(_staged, now);
        }
    }

    private void CutOff(QuoteWriter writer, TimeSpan stalled, TimeSpan timeout)
    {
        if (!Close(writer))
        {
            return;
        }

        Metrics.SlowConsumerDisconnects.Add(1);
        DeliveryLog.SlowConsumerDisconnected(Logger, writer.ConnectionId, stalled.TotalSeconds, timeout.TotalSeconds);
        writer.Abort();
    }
}
