using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>
/// A stand-in for a venue's WebSocket server (Coinbase Exchange, Binance) on its own loopback port. Each connection a
/// feed makes is handed to the test as a <see cref="VenueConnection"/>, and the test plays the venue: it reads the
/// subscription, sends messages in the venue's documented shapes, closes or drops the connection. With
/// <c>pingInterval</c> it pings like Binance does and aborts a connection whose pong is late.
/// </summary>
public sealed class FakeVenue : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan? _pingInterval;
    private readonly TimeSpan? _pongTimeout;
    private readonly Channel<VenueConnection> _connections = Channel.CreateUnbounded<VenueConnection>();
    private readonly List<VenueConnection> _all = [];
    private readonly Lock _gate = new();
    private int _refusals;
    private int _attempts;

    private FakeVenue(WebApplication app, TimeSpan? pingInterval, TimeSpan? pongTimeout)
    {
        _app = app;
        _pingInterval = pingInterval;
        _pongTimeout = pongTimeout;
    }

    /// <summary>The venue's address, as <c>Feeds:*:Url</c> takes it.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>WebSocket connections accepted so far.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>Connection attempts so far, refused ones included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public static async Task<FakeVenue> StartAsync(TimeSpan? pingInterval = null, TimeSpan? pongTimeout = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var venue = new FakeVenue(app, pingInterval, pongTimeout);
        app.UseWebSockets();
        app.Run(venue.AcceptAsync);
        await app.StartAsync();
        venue.Address = new Uri(app.Urls.Single().Replace("http://", "ws://", StringComparison.Ordinal));
        return venue;
    }

    /// <summary>Answers the next <paramref name="count"/> attempts with 503, as a venue under maintenance would.</summary>
    public void RefuseNext(int count)
    {
        lock (_gate)
        {
            _refusals = count;
        }
    }

    /// <summary>The next connection the feed makes (waiting for it, with a deadline).</summary>
    public async Task<VenueConnection> NextConnectionAsync() =>
        await _connections.Reader.ReadAsync().AsTask().DefaultTimeout();

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _all.ForEach(connection => connection.Drop());
        }

        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        Interlocked.Increment(ref _attempts);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        lock (_gate)
        {
            if (_refusals > 0)
            {
                _refusals--;
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
        }

        var accept = new WebSocketAcceptContext();
        if (_pingInterval is { } interval)
        {
            accept.KeepAliveInterval = interval;
            accept.KeepAliveTimeout = _pongTimeout;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync(accept);
        var connection = new VenueConnection(context, socket);
        lock (_gate)
        {
            _all.Add(connection);
        }

        _connections.Writer.TryWrite(connection);
        await connection.RunAsync();
    }
}
