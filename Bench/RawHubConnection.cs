using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SignalRTicker.Contracts;

namespace SignalRTicker.Bench;

/// <summary>
/// One hub connection that speaks SignalR's JSON protocol straight over a WebSocket: no negotiate, no typed
/// dispatch, one receive loop and one buffer. Light enough that a run of thousands of connections measures the server
/// rather than this process (the official client tops out near 500 connections at 10 ms ticks on two cores).
/// It keeps each symbol's last sequence, so quotes reach the observer once and in order across a Subscribe's or a
/// Resume's answer and the live quotes that race it, and it can be dropped and connected again (a new WebSocket)
/// to resume where it was.
/// </summary>
internal sealed class RawHubConnection : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const byte RecordSeparator = 0x1e;
    private const int MaxRecordBytes = 1 << 20;
    private static readonly byte[] Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();

    /// <summary>SignalR's client pings every 15 s; the server closes a connection it has not heard from in 30 s.</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan PoliteCloseTimeout = TimeSpan.FromSeconds(2);

    private readonly Uri _url;
    private readonly IRawHubObserver _observer;
    private readonly byte[][] _symbolBytes;
    private readonly int[] _runSymbol;
    private readonly long[] _last;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<long, PendingInvocation> _pending = new();

    // Live quotes that arrived while a Subscribe or Resume was answered; touched by the receive loop only.
    private readonly List<HeldQuote> _held = [];
    private ClientWebSocket? _socket;
    private CancellationTokenSource _session = new();
    private Task _receiving = Task.CompletedTask;
    private Task _pinging = Task.CompletedTask;
    private Task _readGate = Task.CompletedTask;
    private byte[] _buffer = new byte[4096];
    private int _length;
    private long _nextInvocation;
    private volatile bool _joining;
    private volatile bool _planned;
    private bool _closedReported;

    public RawHubConnection(Uri hubUrl, string[] symbols, IRawHubObserver observer, bool stalled = false)
    {
        _url = new UriBuilder(hubUrl) { Scheme = hubUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        _observer = observer;
        Symbols = symbols;
        Stalled = stalled;
        _symbolBytes = [.. symbols.Select(Encoding.UTF8.GetBytes)];
        _runSymbol = [.. symbols.Select(observer.SymbolIndex)];
        _last = [.. symbols.Select(_ => -1L)];
    }

    public string[] Symbols { get; }

    /// <summary>Set up to stop reading once subscribed (see <see cref="PauseReading"/>), with small socket buffers.</summary>
    public bool Stalled { get; }

    /// <summary>The WebSocket is open and its receive loop running.</summary>
    public bool IsOpen => _socket is { State: WebSocketState.Open } && !_receiving.IsCompleted;

    /// <summary>Opens a WebSocket with <paramref name="token"/>, shakes hands and starts reading; no subscription yet.</summary>
    public async Task ConnectAsync(string token, CancellationToken cancellationToken)
    {
        if (_socket is not null)
        {
            throw new InvalidOperationException("Drop the connection before connecting it again.");
        }

        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // SignalR pings instead
        socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        _socket = socket;
        _session.Dispose();
        _session = new CancellationTokenSource();
        _length = 0;
        _planned = false;
        _closedReported = false;
        _readGate = Task.CompletedTask;
        try
        {
            await ClientSockets.ConnectAsync(socket, _url, smallBuffers: Stalled, cancellationToken);
            await socket.SendAsync(Handshake, WebSocketMessageType.Text, true, cancellationToken);
            var handshake = await HandshakeAnswerAsync(socket, cancellationToken);
            if (handshake.Contains("\"error\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the server refused the handshake: {handshake}");
            }
        }
        catch
        {
            await CloseSocketAsync();
            throw;
        }

        _receiving = ReceiveAsync(socket, _session.Token);
        _pinging = PingAsync(socket, _session.Token);
    }

    /// <summary>Subscribes to <see cref="Symbols"/>; the answer's latest quotes set where each symbol's sequence starts.</summary>
    public async Task<Quote[]> SubscribeAsync(CancellationToken cancellationToken) =>
        (Quote[])(await InvokeAsync(nameof(ITickerHub.Subscribe), [Symbols], ApplySnapshot, joining: true, cancellationToken))!;

    /// <summary>Resubscribes from the last sequence of each symbol after <see cref="DropAsync"/> and <see cref="ConnectAsync"/>.</summary>
    public async Task<ResumeOutcome> ResumeAsync(CancellationToken cancellationToken)
    {
        // Nothing arrives for these symbols on a new socket until the Resume joins them, so _last is still this side's.
        var positions = Symbols.Select((symbol, i) => new SymbolPosition(symbol, Math.Max(0, _last[i]))).ToArray();
        return (ResumeOutcome)(await InvokeAsync(nameof(ITickerHub.Resume), [positions], ApplyRecovery, joining: true, cancellationToken))!;
    }

    public async Task<RefreshResult> RefreshTokenAsync(string token, CancellationToken cancellationToken) =>
        (RefreshResult)(await InvokeAsync(nameof(ITickerHub.RefreshToken), [token], Read<RefreshResult>, joining: false, cancellationToken))!;

    public async Task<PublishResult> PublishAsync(IReadOnlyList<QuoteInput> quotes, CancellationToken cancellationToken) =>
        (PublishResult)(await InvokeAsync(nameof(ITickerHub.Publish), [quotes], Read<PublishResult>, joining: false, cancellationToken))!;

    /// <summary>Stops reading the socket until <paramref name="until"/> completes, as a slow consumer does; sends go on.</summary>
    public void PauseReading(Task until) => _readGate = until;

    /// <summary>Aborts the WebSocket, as a network drop does; this side asked, so it is not reported as a close.</summary>
    public Task DropAsync()
    {
        _planned = true;
        return CloseSocketAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _planned = true;
        if (_socket is { State: WebSocketState.Open } socket)
        {
            // A polite close where the socket can still send one; a stalled reader's backlog makes that wait, so it
            // is bounded.
            using var closing = new CancellationTokenSource(PoliteCloseTimeout);
            try
            {
                await _session.CancelAsync();
                await _sending.WaitAsync(closing.Token);
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token);
                }
                finally
                {
                    _sending.Release();
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Closed by the other side, or too slow: the abort below ends it either way.
            }
        }

        await CloseSocketAsync();
        _sending.Dispose();
    }

    private async Task CloseSocketAsync()
    {
        if (_socket is not { } socket)
        {
            return;
        }

        await _session.CancelAsync();
        socket.Abort();
        await Task.WhenAll(_receiving, _pinging).ContinueWith(_ => { }, TaskScheduler.Default);
        socket.Dispose();
        _session.Dispose();
        _socket = null;
        _held.Clear();
        _joining = false;
        FailPending("the connection was closed before the answer");
    }

    private async Task<object?> InvokeAsync(string target, object?[] arguments, Func<JsonElement, object?> apply, bool joining, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new InvalidOperationException($"{target}: the connection is not open.");
        var id = Interlocked.Increment(ref _nextInvocation);
        var pending = new PendingInvocation(apply, joining);
        _pending[id] = pending;
        if (joining)
        {
            _joining = true; // before the call leaves: a quote of a symbol it joins can arrive before its answer
        }

        var message = JsonSerializer.SerializeToUtf8Bytes(
            new { type = 1, invocationId = id.ToString(CultureInfo.InvariantCulture), target, arguments }, Json);
        try
        {
            await SendAsync(socket, [.. message, RecordSeparator], cancellationToken);
        }
        catch
        {
            _pending.TryRemove(id, out _);
            throw;
        }

        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task SendAsync(ClientWebSocket socket, byte[] record, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(record, WebSocketMessageType.Text, true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    private static object? Read<T>(JsonElement result) => result.Deserialize<T>(Json);

    /// <summary>The handshake's answer, read before the receive loop starts; what follows it stays in the buffer.</summary>
    private async Task<string> HandshakeAnswerAsync(ClientWebSocket socket, CancellationToken cancellationToken)
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

            if (!await FillAsync(socket, cancellationToken))
            {
                throw new InvalidOperationException($"the server closed the connection during the handshake: {socket.CloseStatusDescription ?? "no reason given"}");
            }
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket, CancellationToken session)
    {
        await Task.Yield();
        try
        {
            ProcessRecords(DateTimeOffset.UtcNow);
            while (true)
            {
                if (!_readGate.IsCompleted)
                {
                    await _readGate.WaitAsync(session);
                }

                if (!await FillAsync(socket, CancellationToken.None))
                {
                    ReportClosed($"close frame: {socket.CloseStatus} {socket.CloseStatusDescription}");
                    return;
                }

                // One clock read per receive: the records in it arrived together.
                ProcessRecords(DateTimeOffset.UtcNow);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            ReportClosed(ex.Message);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or InvalidCastException)
        {
            // A record this client could not read: its fault, not the server's. Stop reading and let go of the socket,
            // or the server would hold a backlog for it and cut it off as a slow consumer.
            if (!_planned)
            {
                _observer.Unexpected(this, $"unreadable record: {ex.Message}");
                ReportClosed("this client could not read a record");
            }

            socket.Abort();
        }
        finally
        {
            FailPending("the connection ended before the answer");
        }
    }

    /// <summary>Reads more bytes into the buffer; false when the server closed the WebSocket.</summary>
    private async ValueTask<bool> FillAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        if (_length == _buffer.Length)
        {
            if (_buffer.Length >= MaxRecordBytes)
            {
                throw new InvalidOperationException($"a record longer than {MaxRecordBytes} bytes: not a ticker hub");
            }

            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var result = await socket.ReceiveAsync(_buffer.AsMemory(_length), cancellationToken);
        if (result.MessageType == WebSocketMessageType.Close)
        {
            return false;
        }

        _length += result.Count;
        return true;
    }

    private void ProcessRecords(DateTimeOffset arrived)
    {
        var start = 0;
        int end;
        while ((end = Array.IndexOf(_buffer, RecordSeparator, start, _length - start)) >= 0)
        {
            Dispatch(_buffer.AsSpan(start, end - start), arrived);
            start = end + 1;
        }

        Consume(start);
    }

    private void Consume(int count)
    {
        Buffer.BlockCopy(_buffer, count, _buffer, 0, _length - count);
        _length -= count;
    }

    /// <summary>Handles one record: a quote, an invocation's answer, a ping, a close, or something unexpected.</summary>
    private void Dispatch(ReadOnlySpan<byte> record, DateTimeOffset arrived)
    {
        var reader = new Utf8JsonReader(record);
        var type = 0;
        var isQuote = false;
        string? target = null;
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
                target = isQuote ? null : reader.GetString();
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

        switch (type)
        {
            case 1 when isQuote && quote.Symbol >= 0:
                Live(new HeldQuote(quote.Symbol, quote.Sequence, quote.Timestamp, arrived));
                break;
            case 1 when isQuote:
                _observer.Unexpected(this, "a quote of a symbol this connection is not subscribed to");
                break;
            case 1:
                _observer.Unexpected(this, $"{target}: {Encoding.UTF8.GetString(record)}");
                break;
            case 3:
                Complete(record);
                break;
            case 7:
                ReportClosed($"close message: {Encoding.UTF8.GetString(record)}");
                break;
            default:
                break; // a ping
        }
    }

    private void Live(HeldQuote quote)
    {
        if (_joining)
        {
            _held.Add(quote);
            return;
        }

        Accept(quote);
    }

    /// <summary>A quote in order: one this connection already has (from an answer that raced it) is dropped.</summary>
    private void Accept(HeldQuote quote)
    {
        var last = _last[quote.Symbol];
        if (quote.Sequence <= last)
        {
            return;
        }

        _last[quote.Symbol] = quote.Sequence;
        _observer.Observe(_runSymbol[quote.Symbol], quote.Sequence, last >= 0 && quote.Sequence != last + 1, quote.Arrived - quote.Timestamp);
    }

    private void Complete(ReadOnlySpan<byte> record)
    {
        using var document = JsonDocument.Parse(record.ToArray());
        var root = document.RootElement;
        if (!root.TryGetProperty("invocationId", out var idElement)
            || !long.TryParse(idElement.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !_pending.TryRemove(id, out var pending))
        {
            _observer.Unexpected(this, $"an answer to no call of this connection: {Encoding.UTF8.GetString(record)}");
            return;
        }

        if (root.TryGetProperty("error", out var error))
        {
            if (pending.Joining)
            {
                ReleaseHeld();
            }

            pending.Done.TrySetException(new HubInvocationException(error.GetString() ?? "the hub gave no reason"));
            return;
        }

        try
        {
            pending.Done.TrySetResult(pending.Apply(root.TryGetProperty("result", out var value) ? value.Clone() : default));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            if (pending.Joining)
            {
                ReleaseHeld();
            }

            pending.Done.TrySetException(new HubInvocationException($"an answer this client could not read: {ex.Message}", ex));
        }
    }

    /// <summary>Subscribe's answer, the latest quote of each symbol: each symbol's sequence starts there.</summary>
    private object? ApplySnapshot(JsonElement result)
    {
        var quotes = result.ValueKind == JsonValueKind.Array ? result.Deserialize<Quote[]>(Json) ?? [] : [];
        foreach (var quote in quotes)
        {
            if (LocalIndex(quote.Symbol) is var i and >= 0 && quote.Sequence > _last[i])
            {
                _last[i] = quote.Sequence;
            }
        }

        ReleaseHeld();
        return quotes;
    }

    /// <summary>
    /// Resume's answer: every missed quote of a recovered symbol (which must follow on from the last one held), or the
    /// latest quote of one the server no longer holds enough history for.
    /// </summary>
    private object? ApplyRecovery(JsonElement result)
    {
        var recoveries = result.ValueKind == JsonValueKind.Array ? result.Deserialize<SymbolRecovery[]>(Json) ?? [] : [];
        int notRecovered = 0, quotes = 0, gaps = 0;
        foreach (var recovery in recoveries)
        {
            if (LocalIndex(recovery.Symbol) is not (var i and >= 0))
            {
                continue;
            }

            if (!recovery.Recovered)
            {
                notRecovered++;
                if (recovery.Quotes is [.., var latest] && latest.Sequence > _last[i])
                {
                    _last[i] = latest.Sequence;
                }

                continue;
            }

            foreach (var quote in recovery.Quotes)
            {
                if (quote.Sequence <= _last[i])
                {
                    continue;
                }

                if (_last[i] >= 0 && quote.Sequence != _last[i] + 1)
                {
                    gaps++;
                }

                _last[i] = quote.Sequence;
                quotes++;
            }
        }

        ReleaseHeld();
        return new ResumeOutcome(notRecovered == 0, notRecovered, quotes, gaps);
    }

    private void ReleaseHeld()
    {
        _joining = false;
        foreach (var quote in _held)
        {
            Accept(quote);
        }

        _held.Clear();
    }

    private int LocalIndex(string symbol) => Array.IndexOf(Symbols, symbol);

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

    private int IndexOfSymbol(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < _symbolBytes.Length; i++)
        {
            if (reader.ValueTextEquals(_symbolBytes[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A close message is followed by the close frame: the connection is reported once, and never when this side closed it.</summary>
    private void ReportClosed(string reason)
    {
        if (!_closedReported && !_planned)
        {
            _closedReported = true;
            _observer.Closed(this, reason);
        }
    }

    private void FailPending(string reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Done.TrySetException(new HubInvocationException(reason));
            }
        }
    }

    private async Task PingAsync(ClientWebSocket socket, CancellationToken session)
    {
        using var timer = new PeriodicTimer(PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(session))
            {
                await SendAsync(socket, Ping, session);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed: the receive loop reports why.
        }
    }

    /// <summary>A live quote as it arrived: this connection's symbol index, its sequence and timestamp, and when it came.</summary>
    private readonly record struct HeldQuote(int Symbol, long Sequence, DateTimeOffset Timestamp, DateTimeOffset Arrived);

    /// <summary>An invocation waiting for its answer; <see cref="Apply"/> runs on the receive loop, in order with the quotes.</summary>
    private sealed class PendingInvocation(Func<JsonElement, object?> apply, bool joining)
    {
        public Func<JsonElement, object?> Apply { get; } = apply;

        public bool Joining { get; } = joining;

        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
