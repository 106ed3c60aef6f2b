using System.Net.WebSockets;
using System.Text.Json;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Metrics;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// A venue's WebSocket feed as a hosted service, whatever the venue: connect, subscribe, turn each message into prices
/// and publish them through the <see cref="IQuoteEngine"/> with the venue's timestamps. Any drop (a close from the
/// venue, a broken socket, an unanswered ping, silence past <see cref="UpstreamFeedOptions.IdleTimeout"/>, an error
/// message) is logged once, counted, marks the feed's instruments stale, and is followed by a new connection after an
/// exponentially growing, jittered delay on the injected <see cref="TimeProvider"/>. The instruments stay stale until
/// the first good message of the new connection. Nothing a venue does stops the feed or the server; shutdown ends it.
/// </summary>
/// <remarks>A venue adds only what differs: its address, its subscription, and how to read its messages.</remarks>
public abstract class UpstreamFeed : BackgroundService
{
    /// <summary>A bound on one message, so a broken or hostile upstream cannot make the gateway buffer without end.</summary>
    public const int MaxMessageBytes = 1 << 20;

    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>How long the gateway waits for the venue's side of a close handshake.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest a per-message log line (malformed, unknown, publish failure) waits behind the previous one.</summary>
    private static readonly TimeSpan LogWindow = TimeSpan.FromSeconds(10);

    private readonly UpstreamFeedOptions _options;
    private readonly InstrumentRegistry _instruments;
    private readonly IQuoteEngine _engine;
    private readonly IFeedLeadership _leadership;
    private readonly IControlChannel _control;
    private readonly TickerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _feedTag;
    private readonly FeedLogThrottle _malformedLog;
    private readonly FeedLogThrottle _unknownLog;
    private readonly FeedLogThrottle _publishFailedLog;
    private readonly List<PriceUpdate> _read = [];
    private readonly List<PriceUpdate> _owned = [];

    /// <summary>Whether the current connection has had a good message (and so cleared the stale marks).</summary>
    private bool _live;

    /// <summary>The leadership the feed publishes under now.</summary>
    private QuoteOrigin _origin;

    protected UpstreamFeed(
        InstrumentSource source,
        UpstreamFeedOptions options,
        InstrumentRegistry instruments,
        IQuoteEngine engine,
        IFeedLeadership leadership,
        IControlChannel control,
        TickerMetrics metrics,
        TimeProvider time,
        ILogger logger)
    {
        Source = source;
        Name = source.Name();
        Symbols = options.InstrumentSymbols;
        _options = options;
        _instruments = instruments;
        _engine = engine;
        _leadership = leadership;
        _control = control;
        // For the life of the feed, a singleton: the leading node's link decides every node's stale marks.
        _ = control.Subscribe<FeedLinkChanged>(changed =>
        {
            if (changed.Feed == Name)
            {
                MarkStale(!changed.Live);
            }
        });
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _feedTag = new(TickerMetrics.FeedTag, Name);
        _malformedLog = new FeedLogThrottle(time, LogWindow);
        _unknownLog = new FeedLogThrottle(time, LogWindow);
        _publishFailedLog = new FeedLogThrottle(time, LogWindow);
    }

    /// <summary>The source of the instruments this feed prices; it publishes to no other.</summary>
    public InstrumentSource Source { get; }

    /// <summary>The feed's name in logs and metrics: the source's wire name.</summary>
    public string Name { get; }

    /// <summary>The gateway symbols this feed prices.</summary>
    public IReadOnlyList<string> Symbols { get; }

    /// <summary>Where to connect: the configured URL and whatever the venue wants in it.</summary>
    protected abstract Uri Address { get; }

    /// <summary>
    /// The exponential backoff: the wait after <paramref name="failures"/> failures in a row is between half and all
    /// of <paramref name="initial"/>·2^failures, capped at <paramref name="max"/>. The jitter spreads the reconnects of
    /// many gateways after a venue restart, so they do not all arrive at once.
    /// </summary>
    private static TimeSpan Backoff(int failures, TimeSpan initial, TimeSpan max, Random random)
    {
        var ceiling = Math.Min(initial.Ticks * Math.Pow(2, Math.Min(failures, 30)), max.Ticks);
        return TimeSpan.FromTicks((long)(ceiling / 2 + (random.NextDouble() * ceiling / 2)));
    }

    /// <summary>Sends the venue its subscription, when it wants one, right after connecting.</summary>
    protected virtual ValueTask SubscribeAsync(WebSocket socket, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Reads one message, adding any prices in it to <paramref name="prices"/>, and says what it was. Input that is not
    /// the JSON expected may throw <see cref="JsonException"/>; it is counted as malformed.
    /// </summary>
    protected abstract FeedMessage Read(ReadOnlySpan<byte> message, List<PriceUpdate> prices);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Symbols.Count == 0)
        {
            return;
        }

        MarkStale(true);
        FeedLog.FeedStarting(_logger, Name, Symbols.Count, Describe(Address));
        // One connection to the venue for the whole gateway: only the node that leads the feed holds it.
        while (!stoppingToken.IsCancellationRequested)
        {
            FeedLease lease;
            try
            {
                lease = await _leadership.AcquireAsync(Name, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await using (lease)
            {
                _origin = lease.Origin;
                using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                await ConnectWhileLeadingAsync(leading.Token);
            }

            MarkStale(true);
        }

        FeedLog.FeedStopped(_logger, Name);
    }

    /// <summary>Connects, and connects again after each drop, until <paramref name="stoppingToken"/> (shutdown or a lost lease).</summary>
    private async Task ConnectWhileLeadingAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            _live = false;
            string reason;
            Exception? unexpected = null;
            try
            {
                reason = await ConnectAndReceiveAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException)
            {
                reason = Describe(ex);
            }
            catch (Exception ex)
            {
                // Whatever else one connection throws (a venue shape no adapter expected, a bug) must not end the feed,
                // nor the server: it is logged with its stack and the feed connects again.
                reason = Describe(ex);
                unexpected = ex;
            }

            Announce(live: false);
            _metrics.FeedDisconnects.Add(1, _feedTag);
            failures = _live ? 0 : failures;
            var delay = Backoff(failures++, _options.ReconnectDelay, _options.MaxReconnectDelay, Random.Shared);
            if (unexpected is null)
            {
                FeedLog.FeedDisconnected(_logger, Name, reason, (long)delay.TotalMilliseconds);
            }
            else
            {
                FeedLog.FeedFailed(_logger, unexpected, Name, reason, (long)delay.TotalMilliseconds);
            }

            try
            {
                await Task.Delay(delay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One connection, from connecting to its end; returns why it ended.</summary>
    private async Task<string> ConnectAndReceiveAsync(CancellationToken stoppingToken)
    {
        using var socket = new ClientWebSocket();
        // A ping the venue does not answer within the interval drops a link that died without a word (no FIN, no RST).
        socket.Options.KeepAliveInterval = _options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = _options.KeepAliveInterval;
        var address = Address;
        using (var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout, _time))
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, connectTimeout.Token))
        {
            try
            {
                await socket.ConnectAsync(address, connecting.Token);
            }
            catch (OperationCanceledException) when (connectTimeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                return $"could not connect within {_options.ConnectTimeout.TotalSeconds} s";
            }
        }

        FeedLog.FeedConnected(_logger, Name, Describe(address));
        await SubscribeAsync(socket, stoppingToken);
        return await ReceiveAsync(socket, stoppingToken);
    }

    /// <summary>Reads messages until the connection ends; returns why it ended.</summary>
    private async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken stoppingToken)
    {
        var idleTimeout = _options.IdleTimeout;
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, idle.Token);
        var buffer = new byte[InitialBufferBytes];
        var count = 0;
        var oversized = false;
        while (true)
        {
            if (idleTimeout > TimeSpan.Zero)
            {
                idle.CancelAfter(idleTimeout); // every frame shows the link is alive
            }

            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(count), receiving.Token);
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                return $"no message for {idleTimeout.TotalSeconds} s";
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseAsync(socket, null, stoppingToken);
                var status = socket.CloseStatus is { } code ? $"{(int)code} {socket.CloseStatusDescription}".TrimEnd() : "no status";
                return $"the venue closed the connection ({status})";
            }

            count += result.Count;
            if (!result.EndOfMessage)
            {
                if (count == buffer.Length)
                {
                    if (buffer.Length >= MaxMessageBytes)
                    {
                        oversized = true; // read on to the end of it, keeping none
                        count = 0;
                    }
                    else
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }

                continue;
            }

            var message = oversized
                ? FeedMessage.Malformed($"a message over {MaxMessageBytes} bytes")
                : ReadSafely(buffer.AsSpan(0, count));
            count = 0;
            oversized = false;
            if (await HandleAsync(message, stoppingToken) is { } dropped)
            {
                await CloseAsync(socket, "reconnecting", stoppingToken);
                return dropped;
            }
        }
    }

    private FeedMessage ReadSafely(ReadOnlySpan<byte> message)
    {
        _read.Clear();
        try
        {
            return Read(message, _read);
        }
        catch (JsonException ex)
        {
            _read.Clear();
            return FeedMessage.Malformed($"not the JSON expected: {ex.Message}");
        }
    }

    /// <summary>Acts on one message; returns a reason to drop the connection, or null to read on.</summary>
    private async ValueTask<string?> HandleAsync(FeedMessage message, CancellationToken cancellationToken)
    {
        switch (message.Kind)
        {
            case FeedMessageKind.Error:
                return $"the venue reported an error: {message.Detail}";

            case FeedMessageKind.Malformed:
                _metrics.FeedMalformed.Add(1, _feedTag);
                if (_malformedLog.Take(out var malformed))
                {
                    FeedLog.FeedMessageMalformed(_logger, malformed, Name, LogWindow.TotalSeconds, message.Detail ?? "");
                }

                return null;

            case FeedMessageKind.Unknown:
                if (_unknownLog.Take(out var unknown))
                {
                    FeedLog.FeedMessageUnknown(_logger, unknown, Name, LogWindow.TotalSeconds, message.Detail ?? "");
                }

                return null;
        }

        if (!_live)
        {
            _live = true;
            Announce(live: true);
            FeedLog.FeedLive(_logger, Name);
        }

        if (message.Kind == FeedMessageKind.Subscribed)
        {
            FeedLog.FeedSubscribed(_logger, Name, message.Detail ?? "");
        }

        if (_read.Count > 0)
        {
            await PublishAsync(cancellationToken);
        }

        return null;
    }

    /// <summary>Publishes the prices read for instruments this feed prices; others (removed, or another source's) are dropped.</summary>
    private async ValueTask PublishAsync(CancellationToken cancellationToken)
    {
        _owned.Clear();
        foreach (var price in _read)
        {
            if (_instruments.TryGet(price.Symbol, out var instrument) && instrument.Source == Source)
            {
                _owned.Add(price);
            }
        }

        if (_owned.Count == 0)
        {
            return;
        }

        try
        {
            await _engine.PublishAsync(_owned, _origin, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The venue is fine; the next message may publish again. The connection stays up.
            if (_publishFailedLog.Take(out var failed))
            {
                FeedLog.FeedPublishFailed(_logger, ex, Name, failed, LogWindow.TotalSeconds);
            }
        }
    }

    /// <summary>The link changed while this node leads the feed: every node's marks follow (this one's at once).</summary>
    private void Announce(bool live)
    {
        MarkStale(!live);
        _ = _control.PublishAsync(new FeedLinkChanged(Name, live));
    }

    private void MarkStale(bool stale)
    {
        foreach (var symbol in Symbols)
        {
            if (_instruments.TryGet(symbol, out var instrument) && instrument.Source == Source)
            {
                instrument.Stale = stale;
            }
        }
    }

    /// <summary>
    /// Completes a close handshake: answers the venue's close, or tells the venue why the gateway gives up on the
    /// connection and waits (a bounded time) for its answer, so the venue closes the TCP connection first, as RFC 6455
    /// asks. The connection is over either way.
    /// </summary>
    private async Task CloseAsync(ClientWebSocket socket, string? description, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout, _time);
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, description, closing.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The venue did not answer in time; disposing the socket ends the connection.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // Gone already.
        }
    }

    /// <summary>The address without its query (Binance's holds the stream list), for log lines.</summary>
    private static string Describe(Uri address) => address.GetLeftPart(UriPartial.Path);

    /// <summary>An exception's message with its causes, such as "Unable to connect: Connection refused (127.0.0.1:9)".</summary>
    private static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            messages.Add(ex.Message.TrimEnd('.'));
        }

        return string.Join(": ", messages.Distinct());
    }
}
