using System.Buffers;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// One connection's outgoing queue: the topics it holds and the messages waiting for it. One flush loop per
/// connection writes everything waiting as one frame (one WebSocket message); while that write is in flight, new
/// messages wait, so a busy connection gets several batches in its next frame, every quote in order. A connection
/// whose write has been in flight for <see cref="DeliveryOptions.ConflateAfter"/> is behind: only the latest quote
/// of each topic is kept for it (conflation), so a reader that stalls costs bounded memory and gets the latest
/// prices when it reads again.
/// </summary>
/// <remarks>
/// A frame goes straight to the connection's <see cref="SharedWebSocket"/> when it has one: one send per frame, as a
/// raw WebSocket server makes, with no hop through SignalR's transport pipe. Other transports get it through
/// <see cref="HubConnectionContext.WriteAsync(SerializedHubMessage, CancellationToken)"/>. Memory grows with the
/// connection's own topics and backlog only; the arrays are sized on first use.
/// </remarks>
public sealed class QuoteWriter
{
    private readonly QuoteDelivery _delivery;
    private readonly SharedWebSocket? _socket;
    private readonly int _protocolIndex;
    private readonly Lock _gate = new();

    private SymbolTopic[] _topics = [];
    private int _topicCount;

    /// <summary>Appended to under the lock; swapped with <see cref="_draining"/> by the flush loop.</summary>
    private OutgoingMessage?[] _pending = [];
    private int _pendingCount;

    /// <summary>Owned by the flush loop between swaps.</summary>
    private OutgoingMessage?[] _draining = [];

    private bool _writing;
    private bool _closed;

    /// <summary>Set by <see cref="FinishAsync"/>: nothing more is queued; what waits is still written.</summary>
    private bool _finishing;

    private TaskCompletionSource? _written;

    /// <summary>Timestamp (of the delivery's <see cref="TimeProvider"/>) at which the write in flight started; 0 when none is.</summary>
    private long _writeStartedAt;

    internal QuoteWriter(QuoteDelivery delivery, HubConnectionContext connection, SharedWebSocket? socket, int protocolIndex)
    {
        _delivery = delivery;
        Connection = connection;
        _socket = socket;
        _protocolIndex = protocolIndex;
    }

    public HubConnectionContext Connection { get; }

    public string ConnectionId => Connection.ConnectionId;

    /// <summary>True when frames go straight to the connection's WebSocket.</summary>
    public bool SendsDirect => _socket is not null;

    public int TopicCount
    {
        get
        {
            lock (_gate)
            {
                return _topicCount;
            }
        }
    }

    /// <summary>Slots this writer holds arrays for (topics and queue): grows with its own topics and backlog only.</summary>
    internal int AllocatedSlots
    {
        get
        {
            lock (_gate)
            {
                return _topics.Length + _pending.Length + _draining.Length;
            }
        }
    }

    /// <summary>The topics held now, in ordinal order.</summary>
    public string[] Topics
    {
        get
        {
            lock (_gate)
            {
                var names = new string[_topicCount];
                for (var i = 0; i < _topicCount; i++)
                {
                    names[i] = _topics[i].Name;
                }

                Array.Sort(names, StringComparer.Ordinal);
                return names;
            }
        }
    }

    // Staging fields, owned by the delivery's single pump: this writer's messages of the batch being delivered form
    // a chain through the pump's staging array.
    internal long StagedBatch;
    internal int StagedHead;
    internal int StagedTail;

    internal bool Holds(string topic)
    {
        lock (_gate)
        {
            return IndexOf(topic) >= 0;
        }
    }

    /// <summary>False when it was held already or the writer is closed.</summary>
    internal bool Join(SymbolTopic topic)
    {
        lock (_gate)
        {
            if (_closed || IndexOf(topic.Name) >= 0)
            {
                return false;
            }

            if (_topicCount == _topics.Length)
            {
                Array.Resize(ref _topics, Math.Max(4, _topics.Length * 2));
            }

            _topics[_topicCount++] = topic;
            return true;
        }
    }

    /// <summary>Leaves the topic and drops its quotes still waiting here; the topic it left, or null if not held.</summary>
    internal SymbolTopic? Leave(string topic)
    {
        lock (_gate)
        {
            var index = IndexOf(topic);
            if (index < 0)
            {
                return null;
            }

            var left = _topics[index];
            _topics[index] = _topics[--_topicCount];
            _topics[_topicCount] = null!;
            var kept = 0;
            for (var i = 0; i < _pendingCount; i++)
            {
                // Quotes of the topic go; anything else sent to it before the leave (a group message) still arrives.
                if (_pending[i] is not { Conflatable: true } quote || quote.Topic != left)
                {
                    _pending[kept++] = _pending[i];
                }
            }

            Array.Clear(_pending, kept, _pendingCount - kept);
            _pendingCount = kept;
            return left;
        }
    }

    /// <summary>Stops all writes and hands back the topics it held, for the delivery to leave; null when already closed.</summary>
    internal SymbolTopic[]? Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return null;
            }

            _closed = true;
            Array.Clear(_pending);
            _pendingCount = 0;
            var held = _topics[.._topicCount];
            _topics = [];
            _topicCount = 0;
            return held;
        }
    }

    /// <summary>
    /// Queues nothing more; completes once what waits has been written (or the writer closed or failed). Messages
    /// waiting for a handshake that was never sent are not waited for.
    /// </summary>
    internal Task FinishAsync()
    {
        lock (_gate)
        {
            _finishing = true;
            if (_closed || !_writing)
            {
                return Task.CompletedTask;
            }

            _written ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _written.Task;
        }
    }

    /// <summary>How long the write in flight has been pending, at <paramref name="now"/>; zero when none is.</summary>
    internal TimeSpan Stalled(long now)
    {
        var started = Volatile.Read(ref _writeStartedAt);
        return started == 0 ? TimeSpan.Zero : _delivery.Time.GetElapsedTime(started, now);
    }

    /// <summary>Queues one message that is not part of a batch, after everything already waiting.</summary>
    internal void Send(OutgoingMessage message)
    {
        lock (_gate)
        {
            if (_closed || _finishing)
            {
                return;
            }

            Append(message, behind: false);
            if (!TryStartWrite())
            {
                return;
            }
        }

        _ = FlushAsync();
    }

    /// <summary>
    /// Queues this writer's messages of a batch (a chain in <paramref name="staged"/> from its head) and starts a
    /// write unless one is in flight. Never blocks on the connection: the write runs inline only as far as it
    /// completes synchronously.
    /// </summary>
    internal void Offer(StagedMessage[] staged, long now)
    {
        var conflated = 0;
        lock (_gate)
        {
            if (_closed || _finishing)
            {
                return;
            }

            var behind = Behind(now);
            for (var i = StagedHead; i >= 0; i = staged[i].Next)
            {
                var message = staged[i].Message;
                // A topic left after the batch read its members: nothing of it may follow the leave.
                if (message.Topic is null || IndexOf(message.Topic) >= 0)
                {
                    conflated += Append(message, behind);
                }
            }

            if (conflated > 0)
            {
                _delivery.Metrics.Conflated.Add(conflated);
            }

            if (!TryStartWrite())
            {
                return;
            }
        }

        _ = FlushAsync();
    }

    /// <summary>Under the lock: true when a write should start now (something waits, none in flight, handshake sent).</summary>
    private bool TryStartWrite()
    {
        // Until SignalR has sent the handshake response, a frame on the socket would arrive before it.
        if (_writing || _pendingCount == 0 || _socket is { HandshakeSent: false })
        {
            return false;
        }

        _writing = true;
        return true;
    }

    /// <summary>Under the lock: true when the write in flight has been pending long enough that the reader is behind.</summary>
    private bool Behind(long now) => _writing && Stalled(now) >= _delivery.Options.ConflateAfter;

    /// <summary>
    /// Under the lock: appends; for a reader that is <paramref name="behind"/> (or a queue at its bound), a quote
    /// replaces the waiting one of its topic instead. Returns how many quotes were dropped.
    /// </summary>
    private int Append(OutgoingMessage message, bool behind)
    {
        var dropped = 0;
        if (message.Conflatable && (behind || _pendingCount >= _delivery.Options.MaxQueuedMessages))
        {
            dropped = Compact();
            for (var i = 0; i < _pendingCount; i++)
            {
                if (_pending[i]!.Conflatable && _pending[i]!.Topic == message.Topic)
                {
                    _pending[i] = message;
                    return dropped + 1;
                }
            }
        }

        if (_pendingCount == _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(4, _pending.Length * 2));
        }

        _pending[_pendingCount++] = message;
        return dropped;
    }

    /// <summary>Under the lock: keeps only the latest waiting quote of each topic (and every other message), in order.</summary>
    private int Compact()
    {
        var kept = _pendingCount;
        for (var i = _pendingCount - 1; i >= 0; i--)
        {
            var message = _pending[i]!;
            if (!message.Conflatable)
            {
                continue;
            }

            for (var later = i + 1; later < _pendingCount; later++)
            {
                if (_pending[later] is { Conflatable: true } newer && newer.Topic == message.Topic)
                {
                    _pending[i] = null;
                    kept--;
                    break;
                }
            }
        }

        var dropped = _pendingCount - kept;
        if (dropped > 0)
        {
            var next = 0;
            for (var i = 0; i < _pendingCount; i++)
            {
                if (_pending[i] is { } message)
                {
                    _pending[next++] = message;
                }
            }

            Array.Clear(_pending, next, _pendingCount - next);
            _pendingCount = next;
        }

        return dropped;
    }

    private int IndexOf(string topic)
    {
        for (var i = 0; i < _topicCount; i++)
        {
            if (string.Equals(_topics[i].Name, topic, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private int IndexOf(SymbolTopic topic)
    {
        for (var i = 0; i < _topicCount; i++)
        {
            if (_topics[i] == topic)
            {
                return i;
            }
        }

        return -1;
    }

    private async Task FlushAsync()
    {
        var metrics = _delivery.Metrics;
        var time = _delivery.Time;
        try
        {
            while (true)
            {
                int count;
                lock (_gate)
                {
                    if (_pendingCount == 0 || _closed)
                    {
                        _writing = false;
                        _written?.TrySetResult();
                        return;
                    }

                    (_pending, _draining) = (_draining, _pending);
                    count = _pendingCount;
                    _pendingCount = 0;
                }

                var length = 0;
                var quotes = 0;
                var oldest = long.MaxValue;
                for (var i = 0; i < count; i++)
                {
                    var message = _draining[i]!;
                    length += message.Bytes(_protocolIndex).Length;
                    quotes += message.Conflatable ? 1 : 0;
                    oldest = Math.Min(oldest, message.EnqueuedAt);
                }

                var buffer = ArrayPool<byte>.Shared.Rent(length);
                var offset = 0;
                for (var i = 0; i < count; i++)
                {
                    var bytes = _draining[i]!.Bytes(_protocolIndex);
                    bytes.CopyTo(buffer, offset);
                    offset += bytes.Length;
                }

                Array.Clear(_draining, 0, count);
                try
                {
                    Volatile.Write(ref _writeStartedAt, time.GetTimestamp());
                    if (_socket is not null)
                    {
                        await _socket.SendMessageAsync(buffer.AsMemory(0, length), MessageType);
                    }
                    else
                    {
                        await Connection.WriteAsync(new SerializedHubMessage([new SerializedMessage(Connection.Protocol.Name, buffer.AsMemory(0, length))]));
                    }
                }
                finally
                {
                    Volatile.Write(ref _writeStartedAt, 0);
                    // The socket (or the connection's pipe) has copied the bytes once the send completes.
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                metrics.Writes.Add(1);
                metrics.Deliveries.Add(quotes);
                metrics.SendLag.Record(time.GetElapsedTime(oldest).TotalMilliseconds);
            }
        }
        catch (Exception ex)
        {
            // A failed send leaves the socket unusable: stop feeding the connection and end it. A client that went
            // away mid-write is routine, not a failure.
            if (Connection.ConnectionAborted.IsCancellationRequested || _socket is { State: not WebSocketState.Open })
            {
                DeliveryLog.ClosedMidWrite(_delivery.Logger, ConnectionId);
            }
            else
            {
                DeliveryLog.WriteFailed(_delivery.Logger, ex, ConnectionId);
            }

            _delivery.Close(this);
            Abort();
            lock (_gate)
            {
                _written?.TrySetResult();
            }
        }
    }

    private WebSocketMessageType MessageType => Connection.Protocol.TransferFormat == TransferFormat.Binary
        ? WebSocketMessageType.Binary
        : WebSocketMessageType.Text;

    /// <summary>
    /// Ends the connection now. SignalR's abort alone would first try to send a close message, which waits behind a
    /// stuck write until SignalR's close timeout; aborting the socket as well fails that write at once.
    /// </summary>
    public void Abort()
    {
        Connection.Abort();
        _socket?.Abort();
    }
}
