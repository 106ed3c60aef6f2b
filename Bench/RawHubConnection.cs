using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SignalRTicker.Contracts;

namespace SignalRTicker.Bench;

/// <summary>
/// One hub connection that speaks SignalR's JSON protocol straight over a WebSocket: no negotiate, no typed
/// dispatch, one receive loop and one buffer. Light enough that a run of thousands of connections measures the server
/// rather than this process (the official client tops out near 500 connections at 10 ms ticks on two cores).
/// </summary>
internal sealed class RawHubConnection(Uri hubUrl, string token, string[] symbols, bool stalled, BenchRun run) : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private const int MaxRecordBytes = 1 << 20;
    private static readonly byte[] Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();

    /// <summary>SignalR's client pings every 15 s; the server closes a connection it has not heard from in 30 s.</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket = new();
    private readonly byte[][] _symbols = [.. symbols.Select(Encoding.UTF8.GetBytes)];
    private readonly long[] _lastSequence = [.. symbols.Select(_ => -1L)];
    private readonly int[] _runSymbol = [.. symbols.Select(run.SymbolIndex)];
    private readonly CancellationTokenSource _closing = new();
    private byte[] _buffer = new byte[4096];
    private int _length;
    private bool _closedReported;
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;

    /// <summary>Connects, shakes hands and subscribes; a stalled connection then reads nothing until <paramref name="released"/>.</summary>
    public async Task StartAsync(Task released, CancellationToken cancellationToken)
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero; // SignalR pings instead
        _socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await ClientSockets.ConnectAsync(_socket, ToWebSocketUrl(hubUrl), smallBuffers: stalled, cancellationToken);
        await _socket.SendAsync(Handshake, WebSocketMessageType.Text, true, cancellationToken);
        var handshake = await NextRecordAsync(cancellationToken);
        if (handshake.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the server refused the handshake: {handshake}");
        }

        await _socket.SendAsync(SubscribeInvocation(symbols), WebSocketMessageType.Text, true, cancellationToken);
        while (true)
        {
            var record = await NextRecordAsync(cancellationToken);
            if (record.StartsWith("{\"type\":3", StringComparison.Ordinal))
            {
                if (record.Contains("\"error\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"Subscribe failed: {record}");
                }

                break;
            }
        }

        _pinging = PingAsync(_closing.Token);
        _receiving = ReceiveAsync(stalled ? released : Task.CompletedTask);
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        if (_socket.State == WebSocketState.Open)
        {
            // A polite close where the socket can still send one; a stalled reader's backlog makes that wait, so
            // it is bounded.
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Closed by the other side, or too slow: the abort below ends it either way.
            }
        }

        _socket.Abort();
        await Task.WhenAll(_receiving, _pinging).ContinueWith(_ => { }, TaskScheduler.Default);
        _socket.Dispose();
        _closing.Dispose();
    }

    private static Uri ToWebSocketUrl(Uri hubUrl) =>
        new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;

    private static byte[] SubscribeInvocation(string[] symbols) =>
        [.. JsonSerializer.SerializeToUtf8Bytes(new { type = 1, invocationId = "1", target = nameof(ITickerHub.Subscribe), arguments = new object[] { symbols } }), RecordSeparator];

    /// <summary>The next whole record during set-up, as text; quotes that arrive before the subscription completes are skipped.</summary>
    private async Task<string> NextRecordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = Array.IndexOf(_buffer, RecordSeparator, 0, _length);
            if (end >= 0)
            {
                var record = Encoding.UTF8.GetString(_buffer, 0, end);
                Consume(end + 1);
                return record;
            }

            if (!await FillAsync(cancellationToken))
            {
                throw new InvalidOperationException($"the server closed the connection during set-up: {_socket.CloseStatusDescription ?? "no reason given"}");
            }
        }
    }

    private async Task ReceiveAsync(Task released)
    {
        try
        {
            await released.WaitAsync(_closing.Token);
            while (true)
            {
                // One clock read per receive: the records in it arrived together.
                if (!await FillAsync(CancellationToken.None))
                {
                    ReportClosed($"close frame: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                    return;
                }

                var arrived = DateTimeOffset.UtcNow;
                var start = 0;
                int end;
                while ((end = Array.IndexOf(_buffer, RecordSeparator, start, _length - start)) >= 0)
                {
                    Observe(_buffer.AsSpan(start, end - start), arrived);
                    start = end + 1;
                }

                Consume(start);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_closing.IsCancellationRequested)
            {
                ReportClosed(ex.Message);
            }
        }
        catch (Exception ex) when (!_closing.IsCancellationRequested)
        {
            // A record this client could not read: its fault, not the server's. Stop reading and let go of the socket,
            // or the server would hold a backlog for it and cut it off as a slow consumer.
            run.ClientFailed($"unreadable record: {ex.Message}");
            _socket.Abort();
        }
    }

    /// <summary>Reads more bytes into the buffer; false when the server closed the WebSocket.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_length == _buffer.Length)
        {
            if (_buffer.Length >= MaxRecordBytes)
            {
                throw new InvalidOperationException($"a record longer than {MaxRecordBytes} bytes: not a ticker hub");
            }

            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var result = await _socket.ReceiveAsync(_buffer.AsMemory(_length), cancellationToken);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return false;
        }

        _length += result.Count;
        return true;
    }

    private void Consume(int count)
    {
        Buffer.BlockCopy(_buffer, count, _buffer, 0, _length - count);
        _length -= count;
    }

    /// <summary>Counts a <c>Quote</c> invocation; pings and other records are skipped, a close record is reported.</summary>
    private void Observe(ReadOnlySpan<byte> record, DateTimeOffset arrived)
    {
        var reader = new Utf8JsonReader(record);
        var type = 0;
        var isQuote = false;
        (int Symbol, long Sequence, DateTimeOffset Timestamp) quote = (-1, -1, default);
        reader.Read(); // {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                isQuote = reader.ValueTextEquals(nameof(ITickerClient.Quote));
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                quote = ReadFirstArgument(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (type == 7)
        {
            ReportClosed($"close message: {Encoding.UTF8.GetString(record)}");
        }
        else if (type == 1 && isQuote && quote.Symbol >= 0)
        {
            var gap = _lastSequence[quote.Symbol] >= 0 && quote.Sequence != _lastSequence[quote.Symbol] + 1;
            _lastSequence[quote.Symbol] = quote.Sequence;
            run.Observe(_runSymbol[quote.Symbol], quote.Sequence, gap, arrived - quote.Timestamp);
        }
    }

    /// <summary>
    /// Reads an <c>arguments</c> value, positioned on its first token: a quote is the only argument of a Quote
    /// invocation, so the first object is read as one and anything else is skipped. Symbol -1: none of ours.
    /// </summary>
    private (int Symbol, long Sequence, DateTimeOffset Timestamp) ReadFirstArgument(ref Utf8JsonReader reader)
    {
        (int Symbol, long Sequence, DateTimeOffset Timestamp) quote = (-1, -1, default);
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return quote;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index++ > 0 || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("symbol"u8) ? 0 : reader.ValueTextEquals("sequence"u8) ? 1 : reader.ValueTextEquals("timestamp"u8) ? 2 : -1;
                reader.Read();
                switch (field)
                {
                    case 0: quote.Symbol = IndexOfSymbol(ref reader); break;
                    case 1: quote.Sequence = reader.GetInt64(); break;
                    case 2: quote.Timestamp = reader.GetDateTimeOffset(); break;
                    default: reader.Skip(); break;
                }
            }
        }

        return quote;
    }

    /// <summary>A close message is followed by the close frame: the connection is counted once.</summary>
    private void ReportClosed(string reason)
    {
        if (!_closedReported)
        {
            _closedReported = true;
            run.ClosedByServer(stalled, reason);
        }
    }

    private int IndexOfSymbol(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _symbols.Length; i++)
        {
            if (reader.ValueTextEquals(_symbols[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _socket.SendAsync(Ping, WebSocketMessageType.Text, true, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed: the receive loop reports why.
        }
    }
}
