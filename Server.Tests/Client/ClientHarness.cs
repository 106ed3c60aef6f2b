using System.Collections.Concurrent;
using System.Threading.Channels;
using SignalRTicker.Client;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>Runs the console client's <see cref="TickerConnection"/> in the background and records what it reports.</summary>
public sealed class ClientHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly Channel<Quote> _quotes = Channel.CreateUnbounded<Quote>();
    private readonly Channel<TickerConnectionStatus> _states = Channel.CreateUnbounded<TickerConnectionStatus>();
    private readonly Channel<AccessToken> _tokens = Channel.CreateUnbounded<AccessToken>();
    private readonly Channel<SymbolsUnsubscribed> _unsubscribed = Channel.CreateUnbounded<SymbolsUnsubscribed>();
    private readonly Channel<SymbolNotRecovered> _notRecovered = Channel.CreateUnbounded<SymbolNotRecovered>();
    private readonly Channel<RefreshResult> _refreshed = Channel.CreateUnbounded<RefreshResult>();
    private readonly ConcurrentQueue<TickerConnectionStatus> _history = new();

    /// <param name="options">The connection's options; <see cref="Options"/> makes ones with short retry delays.</param>
    /// <param name="handler">Sends the token requests (to record them, for example); a plain handler by default.</param>
    /// <param name="time">The connection's clock; the system clock by default.</param>
    public ClientHarness(TickerConnectionOptions options, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        Connection = new TickerConnection(options, _http, timeProvider: time);
        Connection.QuoteReceived += quote => _quotes.Writer.TryWrite(quote);
        Connection.StateChanged += state =>
        {
            _history.Enqueue(state);
            _states.Writer.TryWrite(state);
        };
        Connection.TokenIssued += token => _tokens.Writer.TryWrite(token);
        Connection.Unsubscribed += ended => _unsubscribed.Writer.TryWrite(ended);
        Connection.NotRecovered += lost => _notRecovered.Writer.TryWrite(lost);
        Connection.TokenRefreshed += refreshed => _refreshed.Writer.TryWrite(refreshed);
        Run = Connection.RunAsync(_stop.Token);
    }

    public ClientHarness(Uri server, params string[] symbols)
        : this(Options(server, TickerAppFactory.DemoKey, symbols))
    {
    }

    public TickerConnection Connection { get; }

    /// <summary>The running connection: faults with a <see cref="TickerClientException"/> when it gives up.</summary>
    public Task Run { get; }

    /// <summary>Every status the connection has raised so far, in order.</summary>
    public IReadOnlyList<TickerConnectionStatus> History => [.. _history];

    /// <summary>Short retry delays, so a test that waits for a reconnect waits for a fraction of a second.</summary>
    public static TickerConnectionOptions Options(Uri server, string apiKey, params string[] symbols) =>
        new(server, apiKey, symbols) { InitialRetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(500) };

    public Task<Quote> NextQuoteAsync() => ReadUntilAsync(_quotes, _ => true);

    public Task<Quote> NextQuoteAsync(Func<Quote, bool> match) => ReadUntilAsync(_quotes, match);

    public Task<TickerConnectionStatus> NextStateAsync(TickerConnectionState state) => ReadUntilAsync(_states, s => s.State == state);

    public Task<AccessToken> NextTokenAsync() => ReadUntilAsync(_tokens, _ => true);

    public Task<SymbolsUnsubscribed> NextUnsubscribedAsync() => ReadUntilAsync(_unsubscribed, _ => true);

    public Task<SymbolNotRecovered> NextNotRecoveredAsync() => ReadUntilAsync(_notRecovered, _ => true);

    public Task<RefreshResult> NextRefreshAsync() => ReadUntilAsync(_refreshed, _ => true);

    /// <summary>In-band token refreshes that have happened and not been read yet.</summary>
    public List<RefreshResult> DrainRefreshes()
    {
        var refreshes = new List<RefreshResult>();
        while (_refreshed.Reader.TryRead(out var refreshed))
        {
            refreshes.Add(refreshed);
        }

        return refreshes;
    }

    /// <summary>Quotes that have arrived and not been read yet.</summary>
    public List<Quote> DrainQuotes()
    {
        var quotes = new List<Quote>();
        while (_quotes.Reader.TryRead(out var quote))
        {
            quotes.Add(quote);
        }

        return quotes;
    }

    /// <summary>Notices of lost quotes that have arrived and not been read yet.</summary>
    public List<SymbolNotRecovered> DrainNotRecovered()
    {
        var lost = new List<SymbolNotRecovered>();
        while (_notRecovered.Reader.TryRead(out var item))
        {
            lost.Add(item);
        }

        return lost;
    }

    /// <summary>Reads quotes until one matches, returning all read on the way (the match last).</summary>
    public async Task<List<Quote>> QuotesUntilAsync(Func<Quote, bool> match)
    {
        var read = new List<Quote>();
        await ReadUntilAsync(_quotes, quote =>
        {
            read.Add(quote);
            return match(quote);
        });
        return read;
    }

    /// <summary>Reads until a match or the default timeout; the run's own failure surfaces instead of a timeout.</summary>
    private async Task<T> ReadUntilAsync<T>(Channel<T> channel, Func<T, bool> match)
    {
        using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        var read = 0;
        while (true)
        {
            var next = channel.Reader.ReadAsync(deadline.Token).AsTask();
            if (await Task.WhenAny(next, Run) == Run && !next.IsCompleted)
            {
                await Run; // throws why the connection gave up
                throw new InvalidOperationException("The connection stopped without an error.");
            }

            try
            {
                var item = await next;
                read++;
                if (match(item))
                {
                    return item;
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching {typeof(T).Name} within {TaskTimeoutExtensions.DefaultTimeoutSpan.TotalSeconds}s; read {read}. State: {Connection.Status}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Run.DefaultTimeout();
        }
        catch (OperationCanceledException)
        {
            // How a cancelled run ends.
        }
        catch (TickerClientException)
        {
            // The test has already looked at this failure.
        }

        await Connection.DisposeAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
