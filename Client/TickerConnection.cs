using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>
/// A live feed of quotes that keeps itself alive: exchanges the API key for a token, connects over WebSockets with the
/// token as a Bearer header, subscribes, and hands the live connection a new token before the one it holds expires
/// (the hub's <c>RefreshToken</c>), so a long session stays one connection. After any drop or close it reconnects with
/// backoff and resumes each symbol from the last sequence it had, so a short drop loses nothing the server's history
/// still holds. Quotes arrive in sequence order per symbol; repeats are dropped, quotes truly lost are
/// counted as gaps, and a server whose sequences began again is followed. The same connection publishes quotes
/// (<see cref="PublishAsync"/>) and reads the HTTP API with its token. It fails for good only with a
/// <see cref="TickerClientException"/>.
/// </summary>
/// <remarks>
/// Reconnection is one loop of its own rather than <c>WithAutomaticReconnect</c>: SignalR's automatic reconnect
/// covers a dropped connection only, not a first start that fails nor a close the server asks not to retry
/// (an expired token), and subscriptions have to be made again either way. One backoff paces all three; a 429 waits
/// for the server's <c>Retry-After</c> instead.
/// </remarks>
public sealed partial class TickerConnection : IAsyncDisposable
{
    /// <summary>The reason given when a reconnect finds a symbol no longer listed for the key.</summary>
    public const string VanishedReason = "no longer available to this key (removed, or no longer entitled) while disconnected";


    /// <summary>How SignalR's client begins the error of a call in flight when the server closes the connection with an error.</summary>
    private const string ServerClosedPrefix = "The server closed the connection";

    /// <summary>Sends of one batch that the server may answer by closing the connection before the batch is refused.</summary>
    private const int MaxClosedAttempts = 3;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A connection that lasted this long was not refused on arrival.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(2);

    /// <summary>How long after the held token's expiry a token refresh may stay unanswered before the connection is made again.</summary>
    private static readonly TimeSpan RefreshGrace = TimeSpan.FromSeconds(5);

    private readonly TickerConnectionOptions _options;
    private readonly TokenClient _tokens;
    private readonly BackoffRetryPolicy _retryPolicy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HubConnection _hub;
    private readonly QuoteSequencer _sequencer;
    private readonly TickerApi _api;
    private readonly Lock _symbolsLock = new();
    private readonly List<string> _symbols;
    private readonly Lock _statusLock = new();
    private TaskCompletionSource _connected = NewConnectedSource();
    private TaskCompletionSource<Exception?> _closed = NewClosedSource();
    private CancellationToken _runCancellation;

    /// <summary>The token the live connection holds: the one it connected with, or the last it took in band.</summary>
    private AccessToken? _held;

    private int _reconnects, _tokensIssued, _tokensRefreshed, _running;

    /// <param name="options">Where to connect, the key, the symbols, and the retry limits.</param>
    /// <param name="http">Sends the token requests; not disposed here. One for the life of the process, or from <c>IHttpClientFactory</c>.</param>
    /// <param name="loggerFactory">Logs state changes and SignalR's own diagnostics; none by default.</param>
    /// <param name="timeProvider">The clock for token refresh and retry delays; the system clock by default.</param>
    /// <exception cref="ArgumentException">An option cannot work (named in the message).</exception>
    public TickerConnection(TickerConnectionOptions options, HttpClient http, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<TickerConnection>();
        _retryPolicy = new BackoffRetryPolicy(options.InitialRetryDelay, options.MaxRetryDelay, options.MaxRetries);
        _tokens = new TokenClient(http, options.BaseAddress, options.ApiKey, _time);
        _api = new TickerApi(http, options.BaseAddress, _tokens);
        _sequencer = new QuoteSequencer(quote => QuoteReceived?.Invoke(quote));
        _symbols = [.. options.Symbols.Select(NormaliseSymbol).Distinct(StringComparer.Ordinal)];
        _tokens.TokenIssued += token =>
        {
            Interlocked.Increment(ref _tokensIssued);
            TokenIssued?.Invoke(token);
        };

        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(options.BaseAddress, options.HubPath), http =>
            {
                http.Transports = HttpTransportType.WebSockets;
                // Called on every (re)connect: the cached token while fresh, else a new one. Over WebSockets the server
                // sees a token only here; afterwards the connection holds it until it takes a new one in band.
                http.AccessTokenProvider = async () =>
                {
                    var token = await _tokens.GetAsync(_runCancellation).ConfigureAwait(false);
                    Volatile.Write(ref _held, token);
                    return token.Value;
                };
            });
        builder.Services.AddSingleton(loggerFactory);
        _ = options.Protocol switch
        {
            TickerProtocol.Json => builder.AddJsonProtocol(),
            TickerProtocol.MessagePack => builder.AddMessagePackProtocol(),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Protocol, "Unknown hub protocol."),
        };
        _hub = builder.Build();
        _hub.On<Quote>(nameof(ITickerClient.Quote), _sequencer.Push);
        _hub.On<string[], string>(nameof(ITickerClient.Unsubscribed), (symbols, reason) => EndSubscriptions(symbols, reason));
        _hub.Closed += error =>
        {
            lock (_statusLock)
            {
                // Publishers wait for the next connection from now on, not from when the state changes.
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewConnectedSource();
                }

                _closed.TrySetResult(error);
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>Each quote in order, never a repeat. Raised on a SignalR thread, one at a time: hand off, don't block.</summary>
    public event Action<Quote>? QuoteReceived;

    /// <summary>Every change of <see cref="Status"/>.</summary>
    public event Action<TickerConnectionStatus>? StateChanged;

    /// <summary>Every token the server issues to this connection: the first, and each refresh.</summary>
    public event Action<AccessToken>? TokenIssued;

    /// <summary>
    /// The live connection took a new token in band instead of reconnecting: when the server now closes it (unless
    /// refreshed again), the symbols the key may see, and the subscriptions the refresh ended because the key may no
    /// longer see them (those are also raised as <see cref="Unsubscribed"/>, reason <see cref="UnsubscribedReasons.EntitlementRemoved"/>).
    /// </summary>
    public event Action<RefreshResult>? TokenRefreshed;

    /// <summary>
    /// The server ended subscriptions (the key lost the entitlement, or the instrument was removed), or after a reconnect
    /// a symbol was no longer available. Those symbols are dropped from <see cref="Symbols"/> and not subscribed again.
    /// </summary>
    public event Action<SymbolsUnsubscribed>? Unsubscribed;

    /// <summary>
    /// After a reconnect, a symbol whose missed quotes the server no longer held: it sent its latest quote instead, and
    /// the quotes in between are lost (and counted as a gap). Raised after that latest quote.
    /// </summary>
    public event Action<SymbolNotRecovered>? NotRecovered;

    /// <summary>The symbols this connection subscribes to, again after each reconnect: the options' ones (upper case) less those the server ended.</summary>
    public IReadOnlyList<string> Symbols
    {
        get
        {
            lock (_symbolsLock)
            {
                return [.. _symbols];
            }
        }
    }

    /// <summary>The current state, and while reconnecting, when and why.</summary>
    public TickerConnectionStatus Status { get; private set; } = new(TickerConnectionState.Stopped);

    /// <summary>Counters since this connection was created; safe to read from any thread.</summary>
    public TickerConnectionStats Stats => new(
        _sequencer.Quotes, _sequencer.Duplicates, _sequencer.Gaps, _sequencer.Missed,
        Volatile.Read(ref _reconnects), Volatile.Read(ref _tokensIssued), _sequencer.Recovered, _sequencer.NotRecovered,
        Volatile.Read(ref _tokensRefreshed));

    /// <summary>
    /// Connects and keeps the feed alive until <paramref name="cancellationToken"/> is cancelled (then it disconnects
    /// cleanly and throws <see cref="OperationCanceledException"/>) or a <see cref="TickerClientException"/> says why it cannot.
    /// </summary>
    /// <exception cref="TickerClientException">The key was refused, a symbol was refused, or every attempt to connect failed.</exception>
    /// <exception cref="InvalidOperationException">This connection is already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("This connection is already running.");
        }

        _runCancellation = cancellationToken;
        Exception ended = new InvalidOperationException("The connection has stopped.");
        try
        {
            await RunLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TickerClientException ex)
        {
            ClientLog.GaveUp(_logger, ex.Failure, ex.Message);
            ended = ex;
            throw;
        }
        catch (OperationCanceledException ex)
        {
            ended = ex;
            throw;
        }
        finally
        {
            await StopHubAsync().ConfigureAwait(false);
            SetStatus(new(TickerConnectionState.Stopped), ended);
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Publishes a batch of quotes through the hub (a key with the publisher or admin role; 1 to 1000 quotes; all or
    /// nothing). Waits until <see cref="RunAsync"/> has connected. When the connection drops with the batch in flight,
    /// its fate is unknown, so it is sent again once the connection is back: a quote may be published twice, never lost.
    /// </summary>
    /// <returns>How many quotes were accepted, and how many ignored as older than their symbol's latest.</returns>
    /// <exception cref="PublishRefusedException">
    /// The server refused the batch (naming the item when it can), or closed the connection each of the 3 times the batch
    /// was sent (a batch over the server's message size limit); nothing of it was published.
    /// </exception>
    /// <exception cref="TickerClientException">The connection stopped for good while the batch waited.</exception>
    /// <exception cref="InvalidOperationException">The connection stopped (<see cref="RunAsync"/> was cancelled) while the batch waited.</exception>
    public async Task<PublishResult> PublishAsync(IReadOnlyList<QuoteInput> quotes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(quotes);
        var batch = quotes as QuoteInput[] ?? [.. quotes];
        // What the server said when it last closed the connection with this batch in flight.
        string? closedWith = null;
        for (var attempt = 1; ; attempt++)
        {
            Task connected, closed;
            lock (_statusLock)
            {
                connected = _connected.Task;
                closed = _closed.Task;
            }

            await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await _hub.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish), batch, cancellationToken).ConfigureAwait(false);
            }
            catch (HubException ex) when (!ex.Message.StartsWith(ServerClosedPrefix, StringComparison.Ordinal))
            {
                var message = HubMessage(ex);
                throw new PublishRefusedException(message, ItemIndex(message), ex);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is HubException || IsLostConnection(ex)))
            {
                // A server that closes the connection over the batch itself (a message over its size limit) would do
                // so every time: after a few tries in a row the batch is refused with the server's words. Its close
                // message can be lost when the socket goes down while the client is still sending (the call then
                // fails as a plain lost connection), so one close with its words in the run is enough.
                if (ex is HubException)
                {
                    closedWith = ex.Message.ReplaceLineEndings(" ");
                }

                if (closedWith is not null && attempt >= MaxClosedAttempts)
                {
                    throw new PublishRefusedException(
                        $"The server closed the connection each of the {attempt} times this batch was sent; the last time it said why: {closedWith}",
                        itemIndex: null, ex);
                }

                ClientLog.PublishInterrupted(_logger, batch.Length, Describe(ex));
                // Wait for the close to be seen, so that the next round waits for the reconnect instead of spinning.
                await closed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every instrument this connection's key may see, with its latest quote and whether it is stale (<c>GET /api/symbols</c>).</summary>
    /// <exception cref="HttpRequestException">The server could not be reached or refused the request (the message says why).</exception>
    /// <exception cref="TickerClientException">The server refused the API key.</exception>
    public Task<InstrumentInfo[]> GetInstrumentsAsync(CancellationToken cancellationToken) => _api.GetInstrumentsAsync(cancellationToken);

    /// <summary>
    /// A symbol's quotes with a sequence above <paramref name="since"/>, oldest first, at most <paramref name="limit"/>
    /// (the server's default, 100, when null; at most 1000): <c>GET /api/symbols/{symbol}/history</c>. To page, pass
    /// the last sequence of one page as the next one's <paramref name="since"/>.
    /// </summary>
    /// <exception cref="HttpRequestException">Refused: bad parameters (400), not entitled (403), unknown symbol (404), or unreachable; the message has the server's reason and <see cref="HttpRequestException.StatusCode"/> its status.</exception>
    /// <exception cref="TickerClientException">The server refused the API key.</exception>
    public Task<Quote[]> GetHistoryAsync(string symbol, long since = 0, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        ArgumentOutOfRangeException.ThrowIfNegative(since);
        return _api.GetHistoryAsync(symbol, since, limit, cancellationToken);
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        // Consecutive failed attempts since the last successful connection; a rate-limited attempt is not one.
        var failures = 0;
        var connectedOnce = false;
        // Whether the last wait was skipped for a node shutting down, and how long the last connection lasted.
        var skippedLast = false;
        var lasted = TimeSpan.Zero;
        var since = _time.GetTimestamp();
        SetStatus(new(TickerConnectionState.Connecting));
        while (true)
        {
            Exception? reason;
            try
            {
                await ConnectAndSubscribeAsync(reconnect: connectedOnce, cancellationToken).ConfigureAwait(false);
                if (connectedOnce)
                {
                    Interlocked.Increment(ref _reconnects);
                }

                connectedOnce = true;
                failures = 0;
                SetStatus(new(TickerConnectionState.Connected));
                ClientLog.Connected(_logger, _options.ServerUrl, Symbols.Count);
                var up = _time.GetTimestamp();
                reason = await KeepAliveAsync(cancellationToken).ConfigureAwait(false);
                since = _time.GetTimestamp();
                lasted = _time.GetElapsedTime(up, since);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                reason = ex;
                await StopHubAsync().ConfigureAwait(false);
            }

            // Each wait starts before its status is raised, so whoever sees "retrying in N s" sees a clock already running.
            if (reason is RateLimitedException { RetryAfter: { } asked })
            {
                var asWasAsked = Task.Delay(asked, _time, cancellationToken);
                SetStatus(new(TickerConnectionState.Reconnecting) { RetryIn = asked, Reason = Describe(reason), RateLimited = true, MaxRetries = _options.MaxRetries });
                ClientLog.RateLimited(_logger, (long)asked.TotalMilliseconds, Describe(reason));
                await asWasAsked.ConfigureAwait(false);
                continue;
            }

            // A node shutting down asks for a reconnect at once: another node takes it, or this one once restarted.
            // Two such closes in a row skip the wait only when the connection between them lasted, so that a client
            // sent back to a draining node cannot spin.
            var atOnce = failures == 0 && IsShutdownClose(reason) && (!skippedLast || lasted >= StableAfter);
            skippedLast = atOnce;
            var delay = atOnce ? TimeSpan.Zero : _retryPolicy.NextRetryDelay(new RetryContext
            {
                PreviousRetryCount = failures,
                ElapsedTime = _time.GetElapsedTime(since),
                RetryReason = reason,
            });
            if (delay is null)
            {
                throw new TickerClientException(TickerFailure.Unreachable,
                    $"Could not connect to {_options.ServerUrl}: {Attempts(failures + 1)} failed (the first and {Retries(failures)}); the last: {Describe(reason)}",
                    reason);
            }

            failures++;
            var backoff = Task.Delay(delay.Value, _time, cancellationToken);
            SetStatus(new(TickerConnectionState.Reconnecting) { Retry = failures, MaxRetries = _options.MaxRetries, RetryIn = delay, Reason = Describe(reason) });
            ClientLog.Retrying(_logger, failures, (long)delay.Value.TotalMilliseconds, Describe(reason));
            await backoff.ConfigureAwait(false);
        }
    }

    private async Task ConnectAndSubscribeAsync(bool reconnect, CancellationToken cancellationToken)
    {
        lock (_statusLock)
        {
            _closed = NewClosedSource();
        }

        _sequencer.BeginConnection();
        await _hub.StartAsync(cancellationToken).ConfigureAwait(false);
        HubException refused;
        try
        {
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (HubException ex)
        {
            refused = ex;
        }

        // Resume is all or nothing: one symbol removed, or no longer entitled, while the connection was down refuses
        // them all. Such a symbol is ended as if the server had said so, and the others are resumed.
        if (reconnect && await EndVanishedSubscriptionsAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await SubscribeAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HubException ex)
            {
                refused = ex;
            }
        }

        throw new TickerClientException(TickerFailure.SubscriptionRefused, $"Subscription refused: {HubMessage(refused)}", refused);
    }

    /// <summary>
    /// Resumes the symbols this client has had quotes of from their last sequences, and subscribes to the others; the
    /// quotes returned and those pushed meanwhile are merged in order.
    /// </summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var symbols = Symbols;
        var positions = _sequencer.Positions(symbols);
        var fresh = symbols.Where(symbol => !positions.Exists(p => p.Symbol == symbol)).ToArray();
        var recoveries = positions.Count == 0 ? []
            : await _hub.InvokeAsync<SymbolRecovery[]>(nameof(ITickerHub.Resume), positions.ToArray(), cancellationToken).ConfigureAwait(false);
        var snapshot = fresh.Length == 0 ? []
            : await _hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), fresh, cancellationToken).ConfigureAwait(false);
        var notRecovered = _sequencer.Settle(recoveries, snapshot);
        if (positions.Count > 0)
        {
            ClientLog.Resumed(_logger, positions.Count, recoveries.Sum(r => r.Recovered ? r.Quotes.Length : 0));
        }

        foreach (var lost in notRecovered)
        {
            ClientLog.NotRecovered(_logger, lost.Symbol, lost.LastSequence, lost.ResumedAt);
            NotRecovered?.Invoke(lost);
        }
    }

    /// <summary>Ends the subscriptions to symbols <c>GET /api/symbols</c> no longer lists; true when there were any.</summary>
    private async Task<bool> EndVanishedSubscriptionsAsync(CancellationToken cancellationToken)
    {
        InstrumentInfo[] listed;
        try
        {
            listed = await _api.GetInstrumentsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return false;
        }

        var visible = listed.Select(instrument => instrument.Symbol).ToHashSet(StringComparer.Ordinal);
        var vanished = Symbols.Where(symbol => !visible.Contains(symbol)).ToArray();
        if (vanished.Length == 0)
        {
            return false;
        }

        EndSubscriptions(vanished, VanishedReason);
        return true;
    }

    /// <summary>Drops symbols from those subscribed after each reconnect, and tells whoever listens.</summary>
    private void EndSubscriptions(string[] symbols, string reason)
    {
        lock (_symbolsLock)
        {
            _symbols.RemoveAll(symbols.Contains);
        }

        _sequencer.Forget(symbols);
        ClientLog.Unsubscribed(_logger, string.Join(',', symbols), reason);
        Unsubscribed?.Invoke(new SymbolsUnsubscribed(symbols, reason));
    }

    /// <summary>
    /// Hands the live connection a new token before the one it holds expires, again and again; returns why the
    /// connection closed, or why it has to be made again.
    /// </summary>
    private async Task<Exception?> KeepAliveAsync(CancellationToken cancellationToken)
    {
        var closed = _closed.Task;
        while (true)
        {
            var held = Volatile.Read(ref _held);
            if (await ClosedFirstAsync(closed, Until(held?.RefreshAt), cancellationToken).ConfigureAwait(false))
            {
                return await closed.ConfigureAwait(false);
            }

            AccessToken token;
            try
            {
                token = await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                // The token endpoint is down or busy: the connection's token is good a while longer, so ask again
                // later; should the server close the connection at expiry meanwhile, it is made again as after any close.
                var retryIn = ex is RateLimitedException { RetryAfter: { } asked } ? asked : _options.InitialRetryDelay * 4;
                ClientLog.TokenRefreshFailed(_logger, (long)retryIn.TotalMilliseconds, ex);
                if (await ClosedFirstAsync(closed, retryIn, cancellationToken).ConfigureAwait(false))
                {
                    return await closed.ConfigureAwait(false);
                }

                continue;
            }

            if (ReferenceEquals(token, held))
            {
                // Woken a moment before the token was due by the clock (timers and clocks tick apart): not yet.
                continue;
            }

            if (await RefreshAsync(token, held, cancellationToken).ConfigureAwait(false) is { } reconnect)
            {
                return reconnect;
            }
        }
    }

    /// <summary>
    /// Hands the live connection <paramref name="token"/> through the hub's <c>RefreshToken</c>; null when it took it,
    /// else why the connection has to be made again (it has been stopped).
    /// </summary>
    /// <exception cref="TickerClientException">The server refused the refresh, and then the key (revoked or deleted).</exception>
    private async Task<Exception?> RefreshAsync(AccessToken token, AccessToken? held, CancellationToken cancellationToken)
    {
        // By the time the held token has expired the server has closed the connection, and the call has failed with
        // it; a server that neither answers nor closes is given up on a little later.
        using var unanswered = new CancellationTokenSource(Until(held?.ExpiresAt) + RefreshGrace, _time);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, unanswered.Token);
        RefreshResult result;
        try
        {
            result = await _hub.InvokeAsync<RefreshResult>(nameof(ITickerHub.RefreshToken), token.Value, call.Token).ConfigureAwait(false)
                ?? throw new HubException("RefreshToken answered nothing.");
        }
        catch (HubException ex) when (!ex.Message.StartsWith(ServerClosedPrefix, StringComparison.Ordinal))
        {
            return await RefreshRefusedAsync(HubMessage(ex), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is HubException || IsLostConnection(ex)))
        {
            ClientLog.TokenRefreshLost(_logger, Describe(ex));
            await StopHubAsync().ConfigureAwait(false);
            return ex;
        }

        Volatile.Write(ref _held, token);
        Interlocked.Increment(ref _tokensRefreshed);
        ClientLog.TokenRefreshed(_logger, result.ExpiresAt);
        if (result.Removed is { Length: > 0 } removed)
        {
            EndSubscriptions(removed, UnsubscribedReasons.EntitlementRemoved);
        }

        TokenRefreshed?.Invoke(result);
        return null;
    }

    /// <summary>
    /// The server refused the new token, and the token endpoint says what that means: when it refuses the key too
    /// (revoked, deleted) the connection stops for good; when it still issues tokens, the refusal was the token's
    /// alone, and a connection made again with a new token goes on (resuming, so nothing is lost).
    /// </summary>
    private async Task<Exception> RefreshRefusedAsync(string reason, CancellationToken cancellationToken)
    {
        ClientLog.TokenRefreshRefused(_logger, reason);
        _tokens.Invalidate();
        try
        {
            await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TickerClientException refused)
        {
            throw new TickerClientException(refused.Failure, $"{refused.Message} (It had just refused the connection's token refresh: {reason})", refused);
        }
        catch (HttpRequestException)
        {
            // The endpoint cannot say now; the reconnect asks again, with backoff.
        }

        await StopHubAsync().ConfigureAwait(false);
        return new HubException($"the server refused the token refresh: {reason}");
    }

    /// <summary>Waits <paramref name="delay"/> on the connection's clock; true when the connection closed first.</summary>
    private async Task<bool> ClosedFirstAsync(Task<Exception?> closed, TimeSpan delay, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _time, waiting.Token);
        if (await Task.WhenAny(closed, timer).ConfigureAwait(false) == closed)
        {
            await waiting.CancelAsync().ConfigureAwait(false);
            return true;
        }

        await timer.ConfigureAwait(false); // throws if the caller cancelled
        return false;
    }

    /// <summary>How long from now until <paramref name="at"/>; zero when it has passed or is unknown.</summary>
    private TimeSpan Until(DateTimeOffset? at) => at is { } when && when > _time.GetUtcNow() ? when - _time.GetUtcNow() : TimeSpan.Zero;

    private bool IsTransient(Exception ex, CancellationToken cancellationToken)
    {
        switch (ex)
        {
            case HttpRequestException { StatusCode: HttpStatusCode.Unauthorized }:
                // The hub rejected a token the token endpoint issued: the server restarted with a new signing key,
                // or the token expired on the way. A new token is the fix; a bad key fails at the token endpoint.
                _tokens.Invalidate();
                return true;
            case HttpRequestException or WebSocketException or IOException or TimeoutException:
                return true;
            case AggregateException aggregate:
                // Every transport failed to start (e.g. the server went away between negotiate and connect):
                // transient when one of the underlying failures is.
                return aggregate.Flatten().InnerExceptions.Any(inner => IsTransient(inner.InnerException ?? inner, cancellationToken));
            case OperationCanceledException:
                return !cancellationToken.IsCancellationRequested;
            case InvalidOperationException when _hub.State != HubConnectionState.Connected:
                // SignalR's answer to an invocation on a connection that has just closed.
                return true;
            default:
                return false;
        }
    }

    private async Task StopHubAsync()
    {
        if (_hub.State == HubConnectionState.Disconnected)
        {
            return;
        }

        // Stopping sends a close message; bounded, so a dead server cannot hold up Ctrl+C.
        using var deadline = new CancellationTokenSource(StopTimeout, _time);
        try
        {
            await _hub.StopAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            ClientLog.StopTimedOut(_logger, (long)StopTimeout.TotalMilliseconds);
        }
    }

    /// <summary>Sets the state; publishers waiting for a connection go on once it is up, or fail with <paramref name="ended"/> once it has stopped.</summary>
    private void SetStatus(TickerConnectionStatus status, Exception? ended = null)
    {
        lock (_statusLock)
        {
            Status = status;
            if (status.State == TickerConnectionState.Connected)
            {
                _connected.TrySetResult();
            }
            else if (ended is not null)
            {
                _connected.TrySetException(ended);
                _connected = NewConnectedSource();
            }
            else if (_connected.Task.IsCompleted)
            {
                _connected = NewConnectedSource();
            }
        }

        StateChanged?.Invoke(status);
    }

    /// <summary>The close a node sends as it shuts down: SignalR raises it as the server's error in a <see cref="HubException"/>.</summary>
    private static bool IsShutdownClose(Exception? reason) =>
        reason is HubException closed
        && closed.Message.StartsWith(ServerClosedPrefix, StringComparison.Ordinal)
        && closed.Message.EndsWith(CloseReasons.ServerShuttingDown, StringComparison.Ordinal);

    /// <summary>An invocation that failed because the connection went away, not because the server refused it.</summary>
    private bool IsLostConnection(Exception ex) => ex switch
    {
        IOException or WebSocketException or HttpRequestException => true,
        // SignalR's answer for a call in flight when the connection closes without an error.
        OperationCanceledException => true,
        // SignalR's answer to a call on a connection that has just closed.
        InvalidOperationException => _hub.State != HubConnectionState.Connected,
        _ => false,
    };

    /// <summary>The index <c>i</c> of the first <c>quotes[i]</c> in the server's reason, if it names one.</summary>
    private static int? ItemIndex(string message) =>
        ItemReference().Match(message) is { Success: true } match && int.TryParse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var index)
            ? index
            : null;

    [GeneratedRegex(@"quotes\[(\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex ItemReference();

    /// <summary>As the server normalises a symbol: trimmed, upper case.</summary>
    private static string NormaliseSymbol(string symbol) => symbol.Trim().ToUpperInvariant();

    private static string Attempts(int count) => count == 1 ? "1 attempt" : string.Create(CultureInfo.InvariantCulture, $"{count} attempts");

    private static string Retries(int count) => count switch
    {
        0 => "no retries",
        1 => "1 retry",
        _ => string.Create(CultureInfo.InvariantCulture, $"{count} retries"),
    };

    private static string Describe(Exception? reason) => reason switch
    {
        null => "the server closed the connection",
        RateLimitedException => reason.Message,
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status} {status}",
        _ => (reason.InnerException?.Message ?? reason.Message).ReplaceLineEndings(" "),
    };

    /// <summary>SignalR prefixes the hub's message ("An unexpected error occurred invoking 'Subscribe' on the server. HubException: ...").</summary>
    private static string HubMessage(HubException ex)
    {
        const string Marker = "HubException: ";
        var message = ex.Message;
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        return (at >= 0 ? message[(at + Marker.Length)..] : message).ReplaceLineEndings(" ");
    }

    private static TaskCompletionSource<Exception?> NewClosedSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource NewConnectedSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Closes the hub connection if it is still open; cancel <see cref="RunAsync"/> first for a clean stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync().ConfigureAwait(false);
        _tokens.Dispose();
    }
}
