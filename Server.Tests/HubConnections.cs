using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests;

/// <summary>Official SignalR clients pointed at a <see cref="TickerAppFactory"/>.</summary>
public static class HubConnections
{
    /// <summary>
    /// A connection that sends its token as a Bearer header: over the in-memory server with long polling, or over
    /// Kestrel with WebSockets.
    /// </summary>
    public static HubConnection CreateHubConnection(this TickerAppFactory factory, Func<Task<string?>> accessToken)
    {
        var url = new Uri(factory.BaseAddress, "hubs/ticker");
        return new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.AccessTokenProvider = accessToken;
                if (!factory.Kestrel)
                {
                    options.Transports = HttpTransportType.LongPolling;
                    options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                }
                else
                {
                    options.Transports = HttpTransportType.WebSockets;
                }
            })
            .Build();
    }

    /// <summary>Exchanges the key at the real token endpoint, connects, and starts recording quotes.</summary>
    public static async Task<(HubConnection Connection, QuoteRecorder Quotes)> ConnectAsync(this TickerAppFactory factory, string apiKey = TickerAppFactory.DemoKey)
    {
        var token = await factory.GetTokenAsync(apiKey);
        var connection = factory.CreateHubConnection(() => Task.FromResult<string?>(token.AccessToken));
        var quotes = new QuoteRecorder(connection);
        await connection.StartAsync().DefaultTimeout();
        return (connection, quotes);
    }
}

/// <summary>Collects every <c>Quote</c> a connection receives, in arrival order.</summary>
public sealed class QuoteRecorder
{
    private readonly Channel<Quote> _quotes = Channel.CreateUnbounded<Quote>();

    public QuoteRecorder(HubConnection connection) =>
        connection.On<Quote>(nameof(ITickerClient.Quote), quote => _quotes.Writer.TryWrite(quote));

    /// <summary>The next quote to arrive, or a timeout naming the caller's line.</summary>
    public async Task<Quote> NextAsync(TimeSpan? timeout = null) =>
        await _quotes.Reader.ReadAsync().AsTask().DefaultTimeout(timeout);

    /// <summary>Reads quotes until one matches, returning all read on the way (the match last).</summary>
    public async Task<List<Quote>> UntilAsync(Func<Quote, bool> match, TimeSpan? timeout = null)
    {
        var read = new List<Quote>();
        using var cts = new CancellationTokenSource(timeout ?? TaskTimeoutExtensions.DefaultTimeoutSpan);
        try
        {
            while (true)
            {
                var quote = await _quotes.Reader.ReadAsync(cts.Token);
                read.Add(quote);
                if (match(quote))
                {
                    return read;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching quote arrived; received {read.Count}: {string.Join(", ", read.Select(q => $"{q.Symbol}#{q.Sequence}"))}");
        }
    }

    /// <summary>Quotes that have arrived and not been read yet.</summary>
    public List<Quote> Drain()
    {
        var list = new List<Quote>();
        while (_quotes.Reader.TryRead(out var quote))
        {
            list.Add(quote);
        }

        return list;
    }
}
