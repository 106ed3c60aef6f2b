using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>
/// A hub client speaking the SignalR JSON protocol over a bare WebSocket with a small socket receive buffer, so the
/// test decides when it reads: between reads it is a client that stopped draining its socket.
/// </summary>
public sealed class RawTickerSocket : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly HttpMessageInvoker _invoker;
    private readonly byte[] _buffer = new byte[4096];
    private readonly StringBuilder _pending = new();

    private RawTickerSocket()
    {
        _socket.Options.SetBuffer(4096, 4096);
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                // A small receive buffer keeps the kernel's share of the backlog small, so the server sees the stall soon.
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
    }

    /// <summary>Connects with the query-string token, handshakes and subscribes; returns the Subscribe result.</summary>
    public static async Task<(RawTickerSocket Socket, Quote[] Snapshot)> SubscribeAsync(TickerAppFactory app, params string[] symbols)
    {
        var token = await app.GetTokenAsync();
        var raw = new RawTickerSocket();
        var uri = new UriBuilder(new Uri(app.BaseAddress, "hubs/ticker")) { Scheme = "ws", Query = "access_token=" + Uri.EscapeDataString(token.AccessToken) }.Uri;
        using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        await raw._socket.ConnectAsync(uri, raw._invoker, deadline.Token);
        await raw.SendAsync("{\"protocol\":\"json\",\"version\":1}", deadline.Token);
        var handshake = await raw.ReadMessageAsync(deadline.Token);
        Assert.Equal("{}", handshake);
        await raw.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = nameof(TickerHub.Subscribe), arguments = new object[] { symbols } }), deadline.Token);
        while (true)
        {
            using var message = JsonDocument.Parse(await raw.ReadMessageAsync(deadline.Token));
            if (message.RootElement.GetProperty("type").GetInt32() == 3)
            {
                return (raw, message.RootElement.GetProperty("result").Deserialize<Quote[]>(JsonSerializerOptions.Web)!);
            }
        }
    }

    /// <summary>Reads (draining whatever the server had backed up) until <paramref name="done"/> says stop.</summary>
    public async Task<List<Quote>> ReadQuotesUntilAsync(Func<IReadOnlyList<Quote>, bool> done)
    {
        using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        var quotes = new List<Quote>();
        while (!done(quotes))
        {
            using var message = JsonDocument.Parse(await ReadMessageAsync(deadline.Token));
            if (message.RootElement.GetProperty("type").GetInt32() == 1 && message.RootElement.GetProperty("target").GetString() == nameof(ITickerClient.Quote))
            {
                quotes.Add(message.RootElement.GetProperty("arguments")[0].Deserialize<Quote>(JsonSerializerOptions.Web)!);
            }
        }

        return quotes;
    }

    /// <summary>Reads until the server closes the connection; true if it did within the deadline.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }
            }
        }
        catch (WebSocketException)
        {
            return true;   // the server dropped the TCP connection without a close frame
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task SendAsync(string json, CancellationToken cancellationToken) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, cancellationToken);

    private async Task<string> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(RecordSeparator, StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                return text[..end];
            }

            var result = await _socket.ReceiveAsync(_buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("The server closed the connection.");
            }

            _pending.Append(Encoding.UTF8.GetString(_buffer, 0, result.Count));
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }
}
