using System.Net.WebSockets;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.Bench.Soak;

/// <summary>
/// Moves the dashboards' published instruments: every <c>every</c>, one quote for each through the hub's
/// <c>Publish</c> on one admin connection, whose token it renews in band like any client.
/// </summary>
internal sealed class DashboardPublisher(Uri hubUrl, TokenClient adminTokens, string[] symbols, TimeSpan every, SoakCounters counters, SoakLog log)
    : IRawHubObserver, IAsyncDisposable
{
    /// <summary>The gateway's largest publish batch.</summary>
    private const int QuotePublisherLimit = 1000;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly decimal[] _prices = [.. symbols.Select(_ => 100m)];
    private RawHubConnection? _hub;
    private DateTimeOffset _expires;
    private Task _running = Task.CompletedTask;

    /// <summary>
    /// Fills the instruments' history before the soak, so its growth does not pass for a leak: <paramref name="rounds"/>
    /// rounds stamped in the past, one <c>every</c> apart, through <c>POST /api/quotes</c> (no per-call rate limit).
    /// </summary>
    public async Task PrefillAsync(GatewayApi admin, int rounds, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var quotes = Enumerable.Range(0, rounds).SelectMany(round => Round(now - (every * (rounds - round))));
        foreach (var batch in quotes.Chunk(QuotePublisherLimit))
        {
            counters.Add(SoakEvent.Published, (await admin.PublishAsync(batch, cancellationToken)).Accepted);
        }
    }

    /// <summary>Connects and publishes the first round (so every dashboard instrument has a price to subscribe to), then keeps going until <paramref name="stopping"/>.</summary>
    public async Task StartAsync(CancellationToken stopping)
    {
        await ConnectAsync(stopping);
        await PublishAsync(stopping);
        _running = RunAsync(stopping);
    }

    /// <summary>Waits for the publishing loop, which ends when the token given to <see cref="StartAsync"/> is cancelled.</summary>
    public Task StoppedAsync() => _running;

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
    }

    int IRawHubObserver.SymbolIndex(string symbol) => -1;

    void IRawHubObserver.Observe(int symbol, long sequence, bool gap, TimeSpan latency)
    {
    }

    void IRawHubObserver.Closed(RawHubConnection connection, string reason)
    {
        counters.Add(SoakEvent.UnplannedDisconnects);
        log.Trouble($"the publisher's connection closed: {reason}");
    }

    void IRawHubObserver.Unexpected(RawHubConnection connection, string reason) => log.Error($"the publisher's connection: {reason}");

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (_hub is not null)
        {
            await _hub.DropAsync();
        }

        _hub ??= new RawHubConnection(hubUrl, [], this);
        var token = await adminTokens.GetAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        await _hub.ConnectAsync(token.Value, timeout.Token);
        _expires = token.ExpiresAt;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    if (!_hub!.IsOpen)
                    {
                        await ConnectAsync(stopping);
                    }

                    await RefreshIfDueAsync(stopping);
                    await PublishAsync(stopping);
                }
                catch (Exception ex) when (ex is HubInvocationException or WebSocketException or HttpRequestException or TickerClientException
                    or RateLimitedException or InvalidOperationException || (ex is OperationCanceledException && !stopping.IsCancellationRequested))
                {
                    log.Error($"the publisher: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The soak is over.
        }
    }

    /// <summary>A token the client library renewed (a quarter of its life before expiry) replaces the connection's in band.</summary>
    private async Task RefreshIfDueAsync(CancellationToken cancellationToken)
    {
        var token = await adminTokens.GetAsync(cancellationToken);
        if (token.ExpiresAt <= _expires + TimeSpan.FromSeconds(1))
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        var result = await _hub!.RefreshTokenAsync(token.Value, timeout.Token);
        _expires = result.ExpiresAt;
        counters.Add(SoakEvent.Refreshes);
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        foreach (var batch in Round(DateTimeOffset.UtcNow).Chunk(QuotePublisherLimit))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CallTimeout);
            var result = await _hub!.PublishAsync(batch, timeout.Token);
            counters.Add(SoakEvent.Published, result.Accepted);
        }
    }

    /// <summary>One quote of each instrument, a small step of a random walk, stamped <paramref name="at"/>.</summary>
    private QuoteInput[] Round(DateTimeOffset at)
    {
        var quotes = new QuoteInput[symbols.Length];
        for (var i = 0; i < symbols.Length; i++)
        {
            _prices[i] = Math.Max(1m, _prices[i] + (Random.Shared.Next(-10, 11) / 100m));
            quotes[i] = new QuoteInput(symbols[i], _prices[i], Timestamp: at);
        }

        return quotes;
    }
}
