using System.Collections.Frozen;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.Bench;

/// <summary>
/// Opens the connections with a ramp, subscribes each to its symbols, and measures the healthy ones during the window:
/// quotes received, latency from each quote's timestamp, and sequence gaps. Stalled connections stop reading their
/// WebSocket once subscribed (with small client buffers), as a slow consumer does; they resume at the end of the window.
/// With a <see cref="PublishLoad"/>, a publisher pushes the quotes from the end of the ramp to the end of the window.
/// </summary>
public sealed class BenchRun(BenchOptions options, TextWriter log, PublishLoad? publisher = null) : IRawHubObserver
{
    private static readonly string HubPath = HubPaths.Ticker.TrimStart('/');

    /// <summary>How long released stalled readers get to drain their backlog, or to find their connection closed.</summary>
    private static readonly TimeSpan StalledSettle = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan RssSampleInterval = TimeSpan.FromSeconds(1);

    /// <summary>Samples of the idle server's RSS before the ramp, a second apart.</summary>
    private const int IdleSamples = 3;

    private readonly LatencyHistogram _latency = new();
    private readonly FrozenDictionary<string, int> _symbolIndex = options.Symbols.Index().ToFrozenDictionary(s => s.Item, s => s.Index, StringComparer.Ordinal);

    // Per symbol: the lowest and highest sequence any reader saw in the window, and how many readers subscribed to it.
    private readonly long[] _firstSequence = [.. options.Symbols.Select(_ => long.MaxValue)];
    private readonly long[] _lastSequence = [.. options.Symbols.Select(_ => long.MinValue)];
    private readonly int[] _readers = new int[options.Symbols.Length];
    private readonly TaskCompletionSource _releaseStalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string[][] _assigned = SymbolChoice.Assign(
        options.Symbols, options.Connections, options.SymbolsPerConnection, options.Choice, options.ZipfExponent, options.Seed);
    private volatile bool _measuring;
    private volatile bool _stopping;
    private long _deliveries;
    private long _gaps;
    private long _failed;
    private long _closed;
    private long _stalledClosed;
    private long _unexpected;

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        // One token for every connection: the run is shorter than a token's life, and the token endpoint is rate-limited.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var tokens = new TokenClient(http, options.Url, options.ApiKey);
        var token = (await tokens.GetAsync(cancellationToken)).Value;
        var idle = await MeanRssAsync(IdleSamples, cancellationToken);
        var stalledEvery = options.StalledFraction > 0 ? (int)Math.Round(1 / options.StalledFraction) : 0;
        var connections = new List<IAsyncDisposable>(options.Connections);
        var starts = new List<Task>(options.Connections);
        var rampStarted = DateTimeOffset.UtcNow;
        for (var i = 0; i < options.Connections; i++)
        {
            // Keep to the ramp: connection i starts no earlier than i / ramp seconds in.
            var due = rampStarted + TimeSpan.FromSeconds(i / (double)options.Ramp);
            var wait = due - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var stalled = stalledEvery > 0 && i % stalledEvery == stalledEvery - 1;
            if (options.Client == BenchOptions.RawClient)
            {
                var raw = new RawHubConnection(new Uri(options.Url, HubPath), _assigned[i], this, stalled);
                connections.Add(raw);
                starts.Add(StartAsync(() => StartRawAsync(raw, token, cancellationToken), stalled ? null : _assigned[i]));
            }
            else
            {
                var socket = new TaskCompletionSource<StallableWebSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
                var connection = Build(token, stalled ? socket : null);
                connections.Add(connection);
                starts.Add(StartAsync(() => StartOfficialAsync(connection, _assigned[i], stalled ? socket.Task : null, cancellationToken), stalled ? null : _assigned[i]));
            }
        }

        await Task.WhenAll(starts);
        var ok = options.Connections - Interlocked.Read(ref _failed);
        log.WriteLine($"{ok} of {options.Connections} connections up; warming up for {options.Warmup.TotalSeconds:F0} s");
        if (publisher is not null)
        {
            await publisher.StartAsync(cancellationToken);
        }

        await Task.Delay(options.Warmup, cancellationToken);

        var before = ServerSample.Take(options.ServerPid);
        var watchedBefore = options.WatchPids.ToDictionary(w => w.Key, w => ServerSample.Take(w.Value));
        publisher?.BeginWindow();
        _measuring = true;
        var windowStarted = DateTimeOffset.UtcNow;
        var loaded = MeanRssAsync((int)Math.Max(1, options.Duration.TotalSeconds), cancellationToken);
        await Task.Delay(options.Duration, cancellationToken);
        _measuring = false;
        var window = DateTimeOffset.UtcNow - windowStarted;
        publisher?.EndWindow();
        var after = ServerSample.Take(options.ServerPid);
        var watched = options.WatchPids.ToDictionary(w => w.Key, w => CpuPercent(watchedBefore[w.Key], ServerSample.Take(w.Value)));
        if (publisher is not null)
        {
            await publisher.StopAsync();
        }

        // Stalled readers resume first: one the server cut off (past its slow-consumer bound) finds out only when it
        // reads again, and is counted before the run winds down.
        _releaseStalled.TrySetResult();
        if (stalledEvery > 0)
        {
            await Task.Delay(StalledSettle, cancellationToken);
        }

        _stopping = true;
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask())).WaitAsync(stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var (symbolTicks, expected) = QuotesSent();
        var deliveries = Interlocked.Read(ref _deliveries);
        return new BenchResult(
            Connections: options.Connections,
            ConnectionsOk: ok,
            ConnectionsFailed: Interlocked.Read(ref _failed),
            StalledConnections: stalledEvery > 0 ? options.Connections / stalledEvery : 0,
            ClosedByServer: Interlocked.Read(ref _closed),
            StalledClosedByServer: Interlocked.Read(ref _stalledClosed),
            Client: options.Client,
            Protocol: options.Protocol,
            WindowSeconds: Math.Round(window.TotalSeconds, 2),
            Deliveries: deliveries,
            DeliveriesPerSecond: Math.Round(deliveries / window.TotalSeconds),
            SymbolTicks: symbolTicks,
            ExpectedDeliveries: expected,
            DeliveredPercent: expected > 0 ? Math.Round(deliveries * 100.0 / expected, 1) : 0,
            LatencyP50Ms: _latency.PercentileMs(0.50),
            LatencyP90Ms: _latency.PercentileMs(0.90),
            LatencyP99Ms: _latency.PercentileMs(0.99),
            LatencyMaxMs: Math.Round(_latency.MaxMs, 1),
            Gaps: Interlocked.Read(ref _gaps),
            ServerCpuPercent: CpuPercent(before, after),
            ServerRssMiB: await loaded is { } rss ? Math.Round(rss / 1048576.0, 1) : null,
            ServerKiBPerConnection: idle is { } i0 && await loaded is { } l1 && ok > 0 ? Math.Round((l1 - i0) / 1024.0 / ok, 1) : null,
            UnexpectedRecords: Interlocked.Read(ref _unexpected),
            Publish: publisher?.Result,
            WatchedCpuPercent: watched.Count > 0 ? watched : null);
    }

    /// <summary>
    /// The server's mean RSS over <paramref name="samples"/> samples a second apart: the GC's sawtooth (and a
    /// collection that returns memory just then) moves a single sample by more than thousands of connections weigh.
    /// </summary>
    private async Task<double?> MeanRssAsync(int samples, CancellationToken cancellationToken)
    {
        if (options.ServerPid is null)
        {
            return null;
        }

        var taken = new List<long>(samples);
        for (var i = 0; i < samples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(RssSampleInterval, cancellationToken);
            }

            if (ServerSample.Take(options.ServerPid) is { } sample)
            {
                taken.Add(sample.RssBytes);
            }
        }

        return taken.Count > 0 ? taken.Average() : null;
    }

    /// <summary>CPU time used between two samples of one process, in percent of one core; null without both.</summary>
    private static double? CpuPercent(ServerSample? before, ServerSample? after) =>
        before is { } b && after is { } a && a.At > b.At ? Math.Round((a.Cpu - b.Cpu) / (a.At - b.At) * 100, 1) : null;

    /// <summary>Connects and subscribes; a stalled connection then reads nothing until the window ends.</summary>
    private async Task StartRawAsync(RawHubConnection connection, string token, CancellationToken cancellationToken)
    {
        await connection.ConnectAsync(token, cancellationToken);
        await connection.SubscribeAsync(cancellationToken);
        if (connection.Stalled)
        {
            connection.PauseReading(_releaseStalled.Task);
        }
    }

    private HubConnection Build(string token, TaskCompletionSource<StallableWebSocket>? stalledSocket)
    {
        var stalled = stalledSocket is not null;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(options.Url, HubPath), o =>
        {
            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            if (stalled)
            {
                // Small buffers on the client side, so the server (not this process) holds the backlog soon.
                o.TransportMaxBufferSize = 4096;
                o.ApplicationMaxBufferSize = 4096;
                o.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = new ClientWebSocket();
                    client.Options.SetRequestHeader("Authorization", "Bearer " + token);
                    await ClientSockets.ConnectAsync(client, context.Uri, smallBuffers: true, cancellationToken);
                    var socket = new StallableWebSocket(client, _releaseStalled.Task);
                    stalledSocket!.TrySetResult(socket);
                    return socket;
                };
            }
        });
        if (options.Protocol == "messagepack")
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        if (stalled)
        {
            // It hears nothing while stalled; without this the client would give up on the server after 30 s.
            connection.ServerTimeout = options.HardLimit;
        }

        connection.Closed += error =>
        {
            ClosedByServer(stalled, error?.Message ?? "no error given");
            return Task.CompletedTask;
        };
        if (!stalled)
        {
            var last = new Dictionary<string, long>(StringComparer.Ordinal);
            connection.On<Quote>(nameof(ITickerClient.Quote), quote =>
            {
                var gap = last.TryGetValue(quote.Symbol, out var previous) && quote.Sequence != previous + 1;
                last[quote.Symbol] = quote.Sequence;
                Observe(SymbolIndex(quote.Symbol), quote.Sequence, gap, DateTimeOffset.UtcNow - quote.Timestamp);
            });
        }

        return connection;
    }

    /// <summary>The position of <paramref name="symbol"/> in <see cref="BenchOptions.Symbols"/>; -1 for one the run did not ask for.</summary>
    internal int SymbolIndex(string symbol) => _symbolIndex.GetValueOrDefault(symbol, -1);

    /// <summary>
    /// A quote a healthy connection received (<paramref name="symbol"/> from <see cref="SymbolIndex"/>): counted during
    /// the window, with its latency, whether it skipped a sequence, and its sequence, to learn how many the server sent.
    /// </summary>
    internal void Observe(int symbol, long sequence, bool gap, TimeSpan latency)
    {
        if (!_measuring || symbol < 0)
        {
            return;
        }

        if (gap)
        {
            Interlocked.Increment(ref _gaps);
        }

        Interlocked.Increment(ref _deliveries);
        _latency.Record(latency);
        AtomicBounds.LowerTo(ref _firstSequence[symbol], sequence);
        AtomicBounds.RaiseTo(ref _lastSequence[symbol], sequence);
    }

    /// <summary>
    /// Per symbol, the quotes the server sent in the window (from the first and last sequence any reader saw), and
    /// what the readers would have received between them had none been lost: each reader of a symbol, once per quote.
    /// </summary>
    private (long SymbolTicks, long ExpectedDeliveries) QuotesSent()
    {
        long ticks = 0, expected = 0;
        for (var i = 0; i < options.Symbols.Length; i++)
        {
            var first = Interlocked.Read(ref _firstSequence[i]);
            var last = Interlocked.Read(ref _lastSequence[i]);
            if (last >= first)
            {
                ticks += last - first + 1;
                expected += (last - first + 1) * Volatile.Read(ref _readers[i]);
            }
        }

        return (ticks, expected);
    }

    int IRawHubObserver.SymbolIndex(string symbol) => SymbolIndex(symbol);

    void IRawHubObserver.Observe(int symbol, long sequence, bool gap, TimeSpan latency) => Observe(symbol, sequence, gap, latency);

    void IRawHubObserver.Closed(RawHubConnection connection, string reason) => ClosedByServer(connection.Stalled, reason);

    void IRawHubObserver.Unexpected(RawHubConnection connection, string reason)
    {
        if (Interlocked.Increment(ref _unexpected) <= 3)
        {
            log.WriteLine($"unexpected from the server: {reason}");
        }
    }

    /// <summary>A connection closed before the end of the run: by the server (a stalled reader past its bound) or a failure.</summary>
    internal void ClosedByServer(bool stalled, string reason)
    {
        if (_stopping)
        {
            return;
        }

        if (stalled)
        {
            Interlocked.Increment(ref _stalledClosed);
        }

        if (Interlocked.Increment(ref _closed) <= 3)
        {
            log.WriteLine($"connection closed during the run{(stalled ? " (stalled reader)" : "")}: {reason}");
        }
    }

    private static async Task StartOfficialAsync(HubConnection connection, string[] symbols, Task<StallableWebSocket>? stalledSocket, CancellationToken cancellationToken)
    {
        await connection.StartAsync(cancellationToken);
        await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), symbols, cancellationToken);
        if (stalledSocket is not null)
        {
            (await stalledSocket).Stall();
        }
    }

    /// <summary>Starts a connection; one that reads (<paramref name="readerSymbols"/> set) is counted as a reader of its symbols.</summary>
    private async Task StartAsync(Func<Task> start, string[]? readerSymbols)
    {
        try
        {
            await start();
            foreach (var symbol in readerSymbols ?? [])
            {
                if (SymbolIndex(symbol) is var index and >= 0)
                {
                    Interlocked.Increment(ref _readers[index]);
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or HubException or HubInvocationException or InvalidOperationException or WebSocketException)
        {
            if (Interlocked.Increment(ref _failed) <= 3)
            {
                log.WriteLine($"connection failed: {ex.Message}");
            }
        }
    }
}
