using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// One connection's delivery state: which symbols it holds and, per symbol, a latest-value slot. The feed fills the
/// slots; a single flush loop per connection drains them into one write (one WebSocket frame). While a write is
/// pending, newer quotes overwrite the slots instead of queueing, so memory per connection is bounded by its symbol
/// count whatever the client does, and a connection that resumes gets the latest quote of each of its symbols.
/// </summary>
/// <remarks>
/// A frame goes straight to the connection's <see cref="SharedWebSocket"/> when it has one (a WebSocket connection):
/// one send per tick, as a raw WebSocket server makes, with no hop through SignalR's transport pipe. Other transports
/// get it through <see cref="HubConnectionContext.WriteAsync(SerializedHubMessage, CancellationToken)"/>.
/// </remarks>
internal sealed class Subscriber(HubConnectionContext connection, SharedWebSocket? socket, int protocolIndex, int symbolCount, TimeProvider time, TickerMetrics metrics, ILogger logger)
{
    private readonly WebSocketMessageType _messageType = connection.Protocol.TransferFormat == TransferFormat.Binary
        ? WebSocketMessageType.Binary
        : WebSocketMessageType.Text;

    private readonly Lock _gate = new();
    private readonly bool[] _subscribed = new bool[symbolCount];
    private SerializedQuote?[] _pending = new SerializedQuote?[symbolCount];

    /// <summary>Owned by the flush loop: the slots it is writing, swapped with <see cref="_pending"/> under the lock.</summary>
    private SerializedQuote?[] _draining = new SerializedQuote?[symbolCount];

    private bool _writing;
    private bool _closed;

    /// <summary>Timestamp (of <see cref="TimeProvider"/>) at which the current write started; 0 when none is in flight.</summary>
    private long _writeStartedAt;

    public HubConnectionContext Connection => connection;

    /// <summary>True when frames go straight to the connection's WebSocket.</summary>
    public bool Direct => socket is not null;

    public int SubscriptionCount { get; private set; }

    /// <summary>True when the symbol was not held before.</summary>
    public bool Join(int symbol)
    {
        lock (_gate)
        {
            if (_subscribed[symbol])
            {
                return false;
            }

            _subscribed[symbol] = true;
            SubscriptionCount++;
            return true;
        }
    }

    /// <summary>True when the symbol was held; a quote of it still waiting in its slot is dropped.</summary>
    public bool Leave(int symbol)
    {
        lock (_gate)
        {
            if (!_subscribed[symbol])
            {
                return false;
            }

            _subscribed[symbol] = false;
            _pending[symbol] = null;
            SubscriptionCount--;
            return true;
        }
    }

    /// <summary>Stops all writes; returns the subscriptions it held.</summary>
    public int Close()
    {
        lock (_gate)
        {
            _closed = true;
            Array.Clear(_pending);
            return SubscriptionCount;
        }
    }

    /// <summary>How long the write in flight has been pending, at <paramref name="now"/>; zero when none is.</summary>
    public TimeSpan Stalled(long now)
    {
        var started = Volatile.Read(ref _writeStartedAt);
        return started == 0 ? TimeSpan.Zero : time.GetElapsedTime(started, now);
    }

    /// <summary>
    /// Puts this tick's quotes of the connection's symbols in their slots and starts a flush unless one is running.
    /// Never blocks on the connection: the flush runs inline only as far as the write completes synchronously.
    /// </summary>
    public void Offer(SerializedQuote[] tick, TickFrames frames, long publishedAt)
    {
        var conflated = 0;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            var any = false;
            foreach (var quote in tick)
            {
                if (_subscribed[quote.SymbolIndex])
                {
                    if (_pending[quote.SymbolIndex] is not null)
                    {
                        conflated++;
                    }

                    _pending[quote.SymbolIndex] = quote;
                    any = true;
                }
            }

            // Until SignalR has sent the handshake response, a quote on the socket would arrive before it; the slots
            // fill and the first flush after the handshake carries the latest quotes.
            if (!any || _writing || socket is { HandshakeSent: false })
            {
                if (conflated > 0)
                {
                    metrics.Conflated.Add(conflated);
                }

                return;
            }

            _writing = true;
        }

        _ = FlushAsync(frames, publishedAt);
    }

    private async Task FlushAsync(TickFrames? frames, long publishedAt)
    {
        try
        {
            while (true)
            {
                var length = 0;
                var count = 0;
                var symbols = 0UL;
                var current = frames is not null && _draining.Length <= 64;
                lock (_gate)
                {
                    (_pending, _draining) = (_draining, _pending);
                    for (var i = 0; i < _draining.Length; i++)
                    {
                        if (_draining[i] is { } quote)
                        {
                            length += quote.Bytes[protocolIndex].Length;
                            count++;
                            symbols |= 1UL << (i & 63);
                            current = current && quote.Tick == frames!.Tick;
                        }
                    }

                    if (count == 0 || _closed)
                    {
                        Array.Clear(_draining);
                        _writing = false;
                        return;
                    }
                }

                byte[]? rented = null;
                ReadOnlyMemory<byte> frame;
                if (current)
                {
                    // Connections holding the same symbols get the same frame this tick: built once, shared.
                    frame = frames!.Get(protocolIndex, symbols, _draining, length);
                }
                else
                {
                    // A connection catching up holds quotes of several ticks: its own frame, in a pooled buffer.
                    rented = ArrayPool<byte>.Shared.Rent(length);
                    frame = TickFrames.Concat(_draining, protocolIndex, rented, length);
                }

                Array.Clear(_draining);
                try
                {
                    Volatile.Write(ref _writeStartedAt, time.GetTimestamp());
                    if (socket is not null)
                    {
                        await socket.SendMessageAsync(frame, _messageType);
                    }
                    else
                    {
                        await connection.WriteAsync(new SerializedHubMessage([new SerializedMessage(connection.Protocol.Name, frame)]));
                    }
                }
                finally
                {
                    Volatile.Write(ref _writeStartedAt, 0);
                    if (rented is not null)
                    {
                        // The socket (or the connection's pipe) has copied the bytes once the send completes.
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }

                frames = null;

                metrics.Writes.Add(1);
                metrics.Deliveries.Add(count);
                metrics.SendLag.Record(time.GetElapsedTime(publishedAt).TotalMilliseconds);
            }
        }
        catch (Exception ex)
        {
            // A failed send leaves the socket unusable: stop feeding the connection and end it. A client that went
            // away mid-write is routine, not a failure.
            if (connection.ConnectionAborted.IsCancellationRequested || socket is { State: not WebSocketState.Open })
            {
                DeliveryLog.ClosedMidWrite(logger, connection.ConnectionId);
            }
            else
            {
                DeliveryLog.WriteFailed(logger, ex, connection.ConnectionId);
            }

            Close();
            Abort();
        }
    }

    /// <summary>
    /// Ends the connection now. SignalR's abort alone would first try to send a close message, which waits behind the
    /// stuck write until SignalR's close timeout (5 s); aborting the socket as well fails that write at once.
    /// </summary>
    public void Abort()
    {
        connection.Abort();
        socket?.Abort();
    }
}

/// <summary>One quote of a tick, serialized once per hub protocol (indexed like <see cref="QuoteDelivery"/>'s protocols).</summary>
internal sealed class SerializedQuote(long tick, int symbolIndex, ReadOnlyMemory<byte>[] bytes)
{
    public long Tick { get; } = tick;

    public int SymbolIndex { get; } = symbolIndex;

    public ReadOnlyMemory<byte>[] Bytes { get; } = bytes;
}

/// <summary>
/// The coalesced frames of one tick, one per (protocol, set of symbols): most connections hold one of a few symbol
/// sets, so a tick builds a handful of frames and every connection writes a shared one instead of copying its own.
/// </summary>
internal sealed class TickFrames(long tick)
{
    private readonly ConcurrentDictionary<(int Protocol, ulong Symbols), ReadOnlyMemory<byte>> _frames = new();

    public long Tick { get; } = tick;

    public ReadOnlyMemory<byte> Get(int protocol, ulong symbols, SerializedQuote?[] quotes, int length)
    {
        if (_frames.TryGetValue((protocol, symbols), out var frame))
        {
            return frame;
        }

        frame = Concat(quotes, protocol, new byte[length], length);
        return _frames.GetOrAdd((protocol, symbols), frame);
    }

    public static ReadOnlyMemory<byte> Concat(SerializedQuote?[] quotes, int protocol, byte[] buffer, int length)
    {
        var offset = 0;
        foreach (var quote in quotes)
        {
            if (quote is not null)
            {
                quote.Bytes[protocol].Span.CopyTo(buffer.AsSpan(offset));
                offset += quote.Bytes[protocol].Length;
            }
        }

        return buffer.AsMemory(0, length);
    }
}
