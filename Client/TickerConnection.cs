using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>
/// A live feed of quotes that keeps itself alive: exchanges the API key for a token (and refreshes it before it
/// expires), connects over WebSockets with the token as a Bearer header, subscribes, and after any drop or close
/// reconnects with backoff and subscribes again. Quotes arrive in sequence order per symbol; repeats are dropped,
/// jumps are counted as gaps, and a server restart (sequences begin again) is followed. It fails for good only with a
/// <see cref="TickerClientException"/>.
/// </summary>
/// <remarks>
/// Reconnection is one loop of its own rather than <c>WithAutomaticReconnect</c>: SignalR's automatic reconnect
/// covers a dropped connection only, not a first start that fails nor a close the server asks not to retry
/// (an expired token), and subscriptions have to be made again either way. One backoff paces all three; a 429 waits
/// for the server's <c>Retry-After</c> instead.
/// </remarks>
public sealed class TickerConnection : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly TickerConnectionOptions _options;
    private readonly TokenClient _tokens;
    private readonly BackoffRetryPolicy _retryPolicy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HubConnection _hub;
    private readonly Lock _sequenceLock = new();
    private readonly Dictionary<string, Quote> _last = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenOnThisConnection = new(StringComparer.Ordinal);
    private TaskCompletionSource<Exception?> _closed = NewClosedSource();
    private CancellationToken _runCancellation;
    private long _quotes, _duplicates, _gaps, _missed;
    private int _reconnects, _tokensIssued, _running;

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
        _tokens.TokenIssued += token =>
        {
            Interlocked.Increment(ref _tokensIssued);
            TokenIssued?.Invoke(token);
        };

        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(options.BaseAddress, options.HubPath), http =>
            {
                http.Transports = HttpTransportType.WebSockets;
                // Called on every (re)connect: the cached token while fresh, else a new one.
                http.AccessTokenProvider = async () => (await _tokens.GetAsync(_runCancellation).ConfigureAwait(false)).Value;
            });
        builder.Services.AddSingleton(loggerFactory);
        _ = options.Protocol switch
        {
            TickerProtocol.Json => builder.AddJsonProtocol(),
            TickerProtocol.MessagePack => builder.AddMessagePackProtocol(),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Protocol, "Unknown hub protocol."),
        };
        _hub = builder.Build();
        _hub.On<Quote>(nameof(ITickerClient.Quote), Accept);
        _hub.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    /// <summary>Each quote in order, never a repeat. Raised on a SignalR thread, one at a time: hand off, don't block.</summary>
    public event Action<Quote>? QuoteReceived;

    /// <summary>Every change of <see cref="Status"/>.</summary>
    public event Action<TickerConnectionStatus>? StateChanged;

    /// <summary>Every token the server issues to this connection: the first, and each refresh.</summary>
    public event Action<AccessToken>? TokenIssued;

    /// <summary>The current state, and while reconnecting, when and why.</summary>
    public TickerConnectionStatus Status { get; private set; } = new(TickerConnectionState.Stopped);

    /// <summary>Counters since this connection was created; safe to read from any thread.</summary>
    public TickerConnectionStats Stats => new(
        Interlocked.Read(ref _quotes), Interlocked.Read(ref _duplicates), Interlocked.Read(ref _gaps),
        Interlocked.Read(ref _missed), Volatile.Read(ref _reconnects), Volatile.Read(ref _tokensIssued));

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
        try
        {
            await RunLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TickerClientException ex)
        {
            ClientLog.GaveUp(_logger, ex.Failure, ex.Message);
            throw;
        }
        finally
        {
            await StopHubAsync().ConfigureAwait(false);
            SetStatus(new(TickerConnectionState.Stopped));
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        // Consecutive failed attempts since the last successful connection; a rate-limited attempt is not one.
        var failures = 0;
        var connectedOnce = false;
        var since = _time.GetTimestamp();
        SetStatus(new(TickerConnectionState.Connecting));
        while (true)
        {
            Exception? reason;
            try
            {
                await ConnectAndSubscribeAsync(cancellationToken).ConfigureAwait(false);
                if (connectedOnce)
                {
                    Interlocked.Increment(ref _reconnects);
                }

                connectedOnce = true;
                failures = 0;
                SetStatus(new(TickerConnectionState.Connected));
                ClientLog.Connected(_logger, _options.ServerUrl, _options.Symbols.Count);
                reason = await KeepAliveAsync(cancellationToken).ConfigureAwait(false);
                since = _time.GetTimestamp();
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

            var delay = _retryPolicy.NextRetryDelay(new RetryContext
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

    private async Task ConnectAndSubscribeAsync(CancellationToken cancellationToken)
    {
        _closed = NewClosedSource();
        lock (_sequenceLock)
        {
            _seenOnThisConnection.Clear();
        }

        await _hub.StartAsync(cancellationToken).ConfigureAwait(false);
        Quote[] snapshot;
        try
        {
            snapshot = await _hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), _options.Symbols.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (HubException ex)
        {
            throw new TickerClientException(TickerFailure.SubscriptionRefused, $"Subscription refused: {HubMessage(ex)}", ex);
        }

        foreach (var quote in snapshot)
        {
            Accept(quote);
        }
    }

    /// <summary>Refreshes the token ahead of expiry while connected; returns why the connection closed.</summary>
    private async Task<Exception?> KeepAliveAsync(CancellationToken cancellationToken)
    {
        var closed = _closed.Task;
        while (true)
        {
            var refreshAt = _tokens.Current?.RefreshAt ?? _time.GetUtcNow();
            var wait = refreshAt - _time.GetUtcNow();
            using var refreshDue = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var timer = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, refreshDue.Token);
            if (await Task.WhenAny(closed, timer).ConfigureAwait(false) == closed)
            {
                await refreshDue.CancelAsync().ConfigureAwait(false);
                return await closed.ConfigureAwait(false);
            }

            await timer.ConfigureAwait(false); // throws if the caller cancelled
            try
            {
                // A fresh token now means the reconnect after the server closes the connection at expiry needs no round trip.
                await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                var retryIn = ex is RateLimitedException { RetryAfter: { } asked } ? asked : _options.InitialRetryDelay * 4;
                ClientLog.TokenRefreshFailed(_logger, (long)retryIn.TotalMilliseconds, ex);
                _tokens.Invalidate();
                var retry = Task.Delay(retryIn, _time, cancellationToken);
                if (await Task.WhenAny(closed, retry).ConfigureAwait(false) == closed)
                {
                    return await closed.ConfigureAwait(false);
                }

                await retry.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Counts and forwards a quote unless it was seen already (a Subscribe snapshot may repeat a pushed quote). The first
    /// quote of a symbol on a new connection may go backwards: the server restarted and its sequences began again.
    /// </summary>
    private void Accept(Quote quote)
    {
        lock (_sequenceLock)
        {
            var firstOnThisConnection = _seenOnThisConnection.Add(quote.Symbol);
            if (_last.TryGetValue(quote.Symbol, out var last))
            {
                var restarted = firstOnThisConnection && (quote.Sequence < last.Sequence || (quote.Sequence == last.Sequence && quote != last));
                if (!restarted && quote.Sequence <= last.Sequence)
                {
                    Interlocked.Increment(ref _duplicates);
                    return;
                }

                if (!restarted && quote.Sequence > last.Sequence + 1)
                {
                    Interlocked.Increment(ref _gaps);
                    Interlocked.Add(ref _missed, quote.Sequence - last.Sequence - 1);
                }
            }

            _last[quote.Symbol] = quote;
            Interlocked.Increment(ref _quotes);
            QuoteReceived?.Invoke(quote);
        }
    }

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

    private void SetStatus(TickerConnectionStatus status)
    {
        Status = status;
        StateChanged?.Invoke(status);
    }

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

    /// <summary>Closes the hub connection if it is still open; cancel <see cref="RunAsync"/> first for a clean stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync().ConfigureAwait(false);
        _tokens.Dispose();
    }
}
