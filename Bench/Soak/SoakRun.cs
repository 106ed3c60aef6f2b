using System.Net.WebSockets;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.Bench.Soak;

/// <summary>
/// Runs a soak (see <see cref="SoakOptions"/>): makes the dashboards' published instruments and starts their
/// publisher, opens the connections with a ramp, then for the duration keeps each one's token renewed in band, drops
/// a share of them every <see cref="SoakOptions.DropEvery"/> and brings them back with <c>Resume</c>, brings back any
/// the server closed (counted as unplanned), and writes a row of figures every interval.
/// </summary>
public sealed class SoakRun : IRawHubObserver
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaintenanceTick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WindDownTimeout = TimeSpan.FromSeconds(30);

    private readonly SoakOptions _options;
    private readonly SoakCounters _counters = new();
    private readonly SoakLog _log;
    private readonly TextWriter _writer;
    private readonly Random _random;
    private readonly List<SoakConnection> _connections = [];
    private LatencyHistogram _latency = new();
    private volatile bool _measuring;
    private int _operations;

    public SoakRun(SoakOptions options, TextWriter log)
    {
        _options = options;
        _writer = TextWriter.Synchronized(log);
        _log = new SoakLog(_writer, _counters);
        _random = new Random(options.Seed);
    }

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var userTokens = new TokenClient(http, _options.Url, _options.ApiKey);
        using var adminTokens = new TokenClient(http, _options.Url, _options.AdminKey);
        var admin = new GatewayApi(http, _options.Url, adminTokens);
        var hubUrl = new Uri(_options.Url, HubPaths.Ticker.TrimStart('/'));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var universe = (await admin.InstrumentsAsync(cancellationToken))
            .Where(i => i.Source == InstrumentSources.Simulated).Select(i => i.Symbol).ToArray();
        if (_options.TraderEvery > 0 && universe.Length < _options.TraderSymbols)
        {
            throw new InvalidOperationException(
                $"The server has {universe.Length} simulated instruments; traders need at least {_options.TraderSymbols}. Start it with Ticker__Symbols__<SYMBOL>=<price> for each.");
        }

        var dashboards = _options.DashboardSymbols;
        var created = 0;
        foreach (var symbol in dashboards)
        {
            created += await admin.AddPublishedAsync(symbol, cancellationToken) ? 1 : 0;
        }

        _log.Info($"{universe.Length} simulated instruments for traders; {dashboards.Length} published instruments for dashboards ({created} new)");
        await using var publisher = new DashboardPublisher(hubUrl, adminTokens, dashboards, _options.PublishEvery, _counters, _log);
        if (_options.Prefill > 0)
        {
            await publisher.PrefillAsync(admin, _options.Prefill, cancellationToken);
            _log.Info($"filled the dashboards' history with {_options.Prefill} quotes each");
        }

        await publisher.StartAsync(stopping.Token);
        var tokens = new SharedTokens(userTokens, _options.TokenEvery, _log);
        await tokens.StartAsync(stopping.Token);

        var plan = Plan(hubUrl, universe, dashboards);
        _log.Info($"opening {_options.Connections} connections at {_options.Ramp}/s: {plan.Traders} traders on {_options.TraderSymbols} symbols each, " +
                  $"{_options.Connections - plan.Traders} dashboards on 1 to {_options.DashboardMaxSymbols}; nominal {plan.Nominal:N0} quotes/s");
        await RampAsync(tokens, cancellationToken);
        _log.Info($"{OpenCount()} of {_options.Connections} connections up; warming up for {_options.Warmup.TotalSeconds:F0} s");
        var maintenance = MaintainAsync(tokens, stopping.Token);
        await Task.Delay(_options.Warmup, cancellationToken);

        var setup = _counters.TakeAndReset();
        var probe = new ServerProbe(_options.ServerPid, admin, _writer);
        var rows = await MeasureAsync(probe, plan.Nominal, cancellationToken);

        await stopping.CancelAsync();
        await maintenance;
        await WindDownAsync(publisher, tokens);
        return new SoakResult(
            startedAt, _options.Connections, plan.Traders, _options.Connections - plan.Traders, universe.Length, dashboards.Length,
            _options.TraderSymbols, plan.TraderSubscriptions, plan.DashboardSubscriptions, _options.TickIntervalMs,
            _options.PublishEvery.TotalSeconds, _options.DropShare, Math.Round(tokens.Lifetime.TotalSeconds), Math.Round(plan.Nominal),
            setup, rows, SoakVerdict.Judge(rows, setup[SoakEvent.Errors]));
    }

    int IRawHubObserver.SymbolIndex(string symbol) => 0;

    void IRawHubObserver.Observe(int symbol, long sequence, bool gap, TimeSpan latency)
    {
        if (!_measuring)
        {
            return;
        }

        _counters.Add(SoakEvent.Deliveries);
        if (gap)
        {
            _counters.Add(SoakEvent.Gaps);
        }

        Volatile.Read(ref _latency).Record(latency);
    }

    void IRawHubObserver.Closed(RawHubConnection connection, string reason)
    {
        _counters.Add(SoakEvent.UnplannedDisconnects);
        _log.Trouble($"a connection closed without the soak asking: {reason}");
    }

    void IRawHubObserver.Unexpected(RawHubConnection connection, string reason) => _log.Error($"unexpected from the server: {reason}");

    /// <summary>Each connection's role and symbols: every Nth a trader (Zipf over the universe), the rest dashboards.</summary>
    private (int Traders, long TraderSubscriptions, long DashboardSubscriptions, double Nominal) Plan(Uri hubUrl, string[] universe, string[] dashboards)
    {
        var traderChooser = universe.Length > 0 ? new ZipfChooser(universe.Length, _options.ZipfExponent, _options.Seed) : null;
        var dashboardChooser = new ZipfChooser(dashboards.Length, _options.ZipfExponent, _options.Seed + 1);
        int traders = 0;
        long traderSubscriptions = 0, dashboardSubscriptions = 0;
        for (var i = 0; i < _options.Connections; i++)
        {
            var trader = _options.TraderEvery > 0 && i % _options.TraderEvery == 0 && traderChooser is not null;
            string[] symbols = trader
                ? [.. traderChooser!.Choose(_options.TraderSymbols).Select(k => universe[k])]
                : [.. dashboardChooser.Choose(_random.Next(1, _options.DashboardMaxSymbols + 1)).Select(k => dashboards[k])];
            traders += trader ? 1 : 0;
            traderSubscriptions += trader ? symbols.Length : 0;
            dashboardSubscriptions += trader ? 0 : symbols.Length;
            _connections.Add(new SoakConnection(new RawHubConnection(hubUrl, symbols, this), trader));
        }

        var nominal = (traderSubscriptions * 1000.0 / _options.TickIntervalMs) + (dashboardSubscriptions / _options.PublishEvery.TotalSeconds);
        return (traders, traderSubscriptions, dashboardSubscriptions, nominal);
    }

    private async Task RampAsync(SharedTokens tokens, CancellationToken cancellationToken)
    {
        var opening = new List<Task>(_connections.Count);
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < _connections.Count; i++)
        {
            var wait = started + TimeSpan.FromSeconds(i / (double)_options.Ramp) - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            var connection = _connections[i];
            connection.TryBegin();
            opening.Add(RunOperationAsync(connection, () => OpenAsync(connection, tokens, cancellationToken)));
        }

        await Task.WhenAll(opening);
    }

    /// <summary>Every interval: the counts, the latency histogram, the connections open, and the server's figures.</summary>
    private async Task<List<SoakInterval>> MeasureAsync(ServerProbe probe, double nominal, CancellationToken cancellationToken)
    {
        var rows = new List<SoakInterval>();
        var soakStart = DateTimeOffset.UtcNow;
        var intervals = (int)Math.Ceiling(_options.Duration / _options.ReportEvery);
        Interlocked.Exchange(ref _latency, new LatencyHistogram());
        _measuring = true;
        var start = await probe.ReadAsync(cancellationToken);
        for (var index = 1; index <= intervals; index++)
        {
            var end = soakStart + TimeSpan.FromTicks(Math.Min(_options.ReportEvery.Ticks * index, _options.Duration.Ticks));
            var samples = new List<ServerReading>();
            while (end - DateTimeOffset.UtcNow > SoakOptions.SampleEvery)
            {
                await Task.Delay(SoakOptions.SampleEvery, cancellationToken);
                samples.Add(await probe.ReadAsync(cancellationToken));
            }

            var rest = end - DateTimeOffset.UtcNow;
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, cancellationToken);
            }

            var reading = await probe.ReadAsync(cancellationToken);
            samples.Add(reading);
            var counts = _counters.TakeAndReset();
            var latency = Interlocked.Exchange(ref _latency, new LatencyHistogram());
            _log.NewInterval();
            var row = SoakInterval.From(index, reading.At - soakStart, start, reading, samples, counts, latency, OpenCount(), nominal);
            rows.Add(row);
            _log.Info(SoakReport.Line(row));
            start = reading;
        }

        _measuring = false;
        return rows;
    }

    /// <summary>Once a second: connections to bring back, to drop, or whose token is due; and every DropEvery, the next ones to drop.</summary>
    private async Task MaintainAsync(SharedTokens tokens, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(MaintenanceTick);
        var nextDrops = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                var now = DateTimeOffset.UtcNow;
                if (_measuring && now >= nextDrops)
                {
                    nextDrops = nextDrops == DateTimeOffset.MinValue ? now + _options.DropEvery : nextDrops + _options.DropEvery;
                    ScheduleDrops(now);
                }

                foreach (var connection in _connections)
                {
                    Func<Task>? operation = null;
                    if (now < connection.RetryAt)
                    {
                        continue;
                    }

                    if (!connection.Raw.IsOpen)
                    {
                        operation = () => ComeBackAsync(connection, tokens, planned: false, stopping);
                    }
                    else if (now >= connection.DropAt)
                    {
                        operation = () => ComeBackAsync(connection, tokens, planned: true, stopping);
                    }
                    else if (now >= connection.RefreshAt)
                    {
                        operation = () => RefreshAsync(connection, tokens, stopping);
                    }

                    if (operation is not null && connection.TryBegin())
                    {
                        _ = RunOperationAsync(connection, operation);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The soak is over.
        }
    }

    /// <summary>Picks this round's connections to drop, each at a random moment in the round's first four fifths.</summary>
    private void ScheduleDrops(DateTimeOffset now)
    {
        var count = (int)Math.Round(_options.DropShare * _connections.Count);
        if (_options.DropShare > 0 && count == 0)
        {
            count = 1;
        }

        var candidates = _connections.Where(c => c.DropAt == DateTimeOffset.MaxValue).ToList();
        for (var i = 0; i < count && candidates.Count > 0; i++)
        {
            var pick = _random.Next(candidates.Count);
            candidates[pick].DropAt = now + (_options.DropEvery * 0.8 * _random.NextDouble());
            candidates.RemoveAt(pick);
        }
    }

    private async Task RunOperationAsync(SoakConnection connection, Func<Task> operation)
    {
        Interlocked.Increment(ref _operations);
        try
        {
            await operation();
        }
        catch (OperationCanceledException)
        {
            // The soak is over.
        }
        finally
        {
            connection.End();
            Interlocked.Decrement(ref _operations);
        }
    }

    private async Task OpenAsync(SoakConnection connection, SharedTokens tokens, CancellationToken cancellationToken)
    {
        var token = tokens.Current;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            await connection.Raw.ConnectAsync(token.Value, timeout.Token);
            await connection.Raw.SubscribeAsync(timeout.Token);
            connection.Subscribed = true;
            Renewed(connection, token.ExpiresAt, tokens.Lifetime);
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            _log.Error($"a connection could not open: {ex.Message}");
            await connection.Raw.DropAsync();
            connection.RetryAt = DateTimeOffset.UtcNow + RetryAfterFailure;
        }
    }

    /// <summary>
    /// Drops the socket (when <paramref name="planned"/>; otherwise the server already closed it) and connects again
    /// with the newest token, resuming from the last sequence of each symbol.
    /// </summary>
    private async Task ComeBackAsync(SoakConnection connection, SharedTokens tokens, bool planned, CancellationToken cancellationToken)
    {
        connection.DropAt = DateTimeOffset.MaxValue;
        await connection.Raw.DropAsync();
        if (!connection.Subscribed)
        {
            await OpenAsync(connection, tokens, cancellationToken);
            return;
        }

        if (planned)
        {
            _counters.Add(SoakEvent.Drops);
            // Away for a moment, as a client on a flaky network is; the quotes of that moment come back with Resume.
            await Task.Delay(TimeSpan.FromMilliseconds(200 + Random.Shared.Next(800)), cancellationToken);
        }

        var token = tokens.Current;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            await connection.Raw.ConnectAsync(token.Value, timeout.Token);
            var outcome = await connection.Raw.ResumeAsync(timeout.Token);
            _counters.Add(outcome.Recovered ? SoakEvent.ResumesRecovered : SoakEvent.ResumesNotRecovered);
            _counters.Add(SoakEvent.QuotesRecovered, outcome.QuotesRecovered);
            _counters.Add(SoakEvent.Gaps, outcome.Gaps);
            Renewed(connection, token.ExpiresAt, tokens.Lifetime);
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            _log.Error($"a connection could not resume: {ex.Message}");
            await connection.Raw.DropAsync();
            connection.RetryAt = DateTimeOffset.UtcNow + RetryAfterFailure;
        }
    }

    /// <summary>Hands the connection the newest token in band; one not newer than its own waits for the next.</summary>
    private async Task RefreshAsync(SoakConnection connection, SharedTokens tokens, CancellationToken cancellationToken)
    {
        var token = tokens.Current;
        if (token.ExpiresAt <= connection.TokenExpires + TimeSpan.FromSeconds(1))
        {
            connection.RefreshAt = DateTimeOffset.UtcNow + MaintenanceTick;
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            var result = await connection.Raw.RefreshTokenAsync(token.Value, timeout.Token);
            _counters.Add(SoakEvent.Refreshes);
            if (result.Removed.Length > 0)
            {
                _log.Error($"a refresh ended subscriptions the key still allows: {string.Join(',', result.Removed)}");
            }

            Renewed(connection, result.ExpiresAt, tokens.Lifetime);
        }
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            // A connection that closed meanwhile is counted as a disconnect and comes back on its own.
            if (connection.Raw.IsOpen)
            {
                _log.Error($"a refresh was refused: {ex.Message}");
            }

            connection.RefreshAt = DateTimeOffset.UtcNow + RetryAfterFailure;
        }
    }

    /// <summary>The next renewal: between a half and a quarter of a lifetime before expiry, spread so renewals do not bunch.</summary>
    private static void Renewed(SoakConnection connection, DateTimeOffset expires, TimeSpan lifetime)
    {
        connection.TokenExpires = expires;
        connection.RefreshAt = expires - (lifetime * (0.25 + (0.25 * Random.Shared.NextDouble())));
    }

    private static bool IsFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HubInvocationException or WebSocketException or HttpRequestException or InvalidOperationException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private int OpenCount() => _connections.Count(c => c.Raw.IsOpen);

    /// <summary>Waits (bounded) for the operations in flight, stops the publisher and the token renewal, and closes every connection.</summary>
    private async Task WindDownAsync(DashboardPublisher publisher, SharedTokens tokens)
    {
        using var bound = new CancellationTokenSource(WindDownTimeout);
        try
        {
            while (Volatile.Read(ref _operations) > 0)
            {
                await Task.Delay(100, bound.Token);
            }

            await Task.WhenAll(publisher.StoppedAsync(), tokens.StoppedAsync()).WaitAsync(bound.Token);
            await Task.WhenAll(_connections.Select(c => c.Raw.DisposeAsync().AsTask())).WaitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            _log.Info($"winding down took longer than {WindDownTimeout.TotalSeconds:F0} s; leaving the rest to the process exit");
        }
    }
}
