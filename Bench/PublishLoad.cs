using System.Diagnostics;
using System.Net.WebSockets;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.Bench;

/// <summary>
/// The publisher of a publish-path run: batches leave on a fixed schedule (batch / rate apart) while fewer than
/// <see cref="PublishLoadOptions.InFlight"/> are unanswered, so a gateway that cannot keep up shows as a lower accepted
/// rate, not as a queue in this process. Each quote's timestamp is the moment its batch was made, so a subscriber's
/// latency is publish to delivery.
/// </summary>
public sealed class PublishLoad(PublishLoadOptions options, TextWriter log) : IAsyncDisposable
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = options.InFlight }) { Timeout = SendTimeout };
    private readonly SemaphoreSlim _slots = new(options.InFlight, options.InFlight);
    private readonly decimal[] _prices = [.. options.Symbols.Select(_ => 100m)];
    private readonly CancellationTokenSource _stopping = new();
    private TokenClient? _tokens;
    private GatewayApi? _api;
    private RawHubConnection? _hub;
    private Task _pacing = Task.CompletedTask;
    private long _next;
    private DateTimeOffset _lastStamp;
    private long _accepted;
    private long _ignored;
    private long _failed;
    private long _acceptedAtWindow;
    private long _ignoredAtWindow;
    private long _failedAtWindow;
    private long _windowStarted;
    private PublishLoadResult? _result;

    public PublishLoadResult? Result => _result;

    /// <summary>Gets a token, opens the hub connection when publishing through the hub, and starts the schedule.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _tokens = new TokenClient(_http, options.Url, options.PublisherKey);
        _api = new GatewayApi(_http, options.Url, _tokens);
        if (options.Via == PublishLoadOptions.Hub)
        {
            var token = await _tokens.GetAsync(cancellationToken);
            _hub = new RawHubConnection(new Uri(options.Url, HubPaths.Ticker.TrimStart('/')), [], new Watcher(log));
            await _hub.ConnectAsync(token.Value, cancellationToken);
        }

        _pacing = PaceAsync(_stopping.Token);
    }

    public void BeginWindow()
    {
        _acceptedAtWindow = Interlocked.Read(ref _accepted);
        _ignoredAtWindow = Interlocked.Read(ref _ignored);
        _failedAtWindow = Interlocked.Read(ref _failed);
        _windowStarted = Stopwatch.GetTimestamp();
    }

    public void EndWindow()
    {
        var seconds = Stopwatch.GetElapsedTime(_windowStarted).TotalSeconds;
        var accepted = Interlocked.Read(ref _accepted) - _acceptedAtWindow;
        _result = new PublishLoadResult(
            options.Via, options.Rate, options.Batch, accepted, Interlocked.Read(ref _ignored) - _ignoredAtWindow,
            Math.Round(accepted / seconds), Interlocked.Read(ref _failed) - _failedAtWindow);
    }

    /// <summary>Stops the schedule and waits (bounded) for the batches still unanswered.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _pacing.ContinueWith(_ => { }, TaskScheduler.Default);
        using var bound = new CancellationTokenSource(StopTimeout);
        try
        {
            for (var i = 0; i < options.InFlight; i++)
            {
                await _slots.WaitAsync(bound.Token);
            }
        }
        catch (OperationCanceledException)
        {
            log.WriteLine($"publisher: batches still unanswered after {StopTimeout.TotalSeconds:F0} s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        _tokens?.Dispose();
        _http.Dispose();
        _stopping.Dispose();
    }

    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(options.Batch / options.Rate);
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (long batch = 0; ; batch++)
            {
                var wait = (interval * batch) - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                await _slots.WaitAsync(cancellationToken);
                _ = SendAsync(NextBatch());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private QuoteInput[] NextBatch()
    {
        var quotes = new QuoteInput[options.Batch];
        for (var i = 0; i < quotes.Length; i++)
        {
            var symbol = (int)(_next++ % options.Symbols.Length);
            _prices[symbol] = Math.Max(1m, _prices[symbol] + (Random.Shared.Next(-10, 11) / 100m));
            // A quote older than its symbol's latest is ignored by the gateway: the stamps never go back, even when the
            // clock reads the same twice.
            var now = DateTimeOffset.UtcNow;
            _lastStamp = now > _lastStamp ? now : _lastStamp.AddTicks(1);
            quotes[i] = new QuoteInput(options.Symbols[symbol], _prices[symbol], Timestamp: _lastStamp);
        }

        return quotes;
    }

    private async Task SendAsync(QuoteInput[] quotes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(SendTimeout);
            var result = _hub is not null
                ? await _hub.PublishAsync(quotes, timeout.Token)
                : await _api!.PublishAsync(quotes, timeout.Token);
            Interlocked.Add(ref _accepted, result.Accepted);
            Interlocked.Add(ref _ignored, result.Ignored);
        }
        catch (Exception ex) when (ex is HubInvocationException or HttpRequestException or OperationCanceledException or WebSocketException or InvalidOperationException)
        {
            if (Interlocked.Increment(ref _failed) <= 3)
            {
                log.WriteLine($"publisher: a batch failed: {ex.Message}");
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>The publisher's own connection receives nothing but answers; anything else is worth a line.</summary>
    private sealed class Watcher(TextWriter log) : IRawHubObserver
    {
        public int SymbolIndex(string symbol) => -1;

        public void Observe(int symbol, long sequence, bool gap, TimeSpan latency)
        {
        }

        public void Closed(RawHubConnection connection, string reason) => log.WriteLine($"publisher: the hub closed its connection: {reason}");

        public void Unexpected(RawHubConnection connection, string reason) => log.WriteLine($"publisher: unexpected from the hub: {reason}");
    }
}
