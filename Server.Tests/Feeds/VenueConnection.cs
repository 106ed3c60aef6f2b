using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>One feed connection as the venue sees it: what the feed sent, and the venue's side of the conversation.</summary>
public sealed class VenueConnection(HttpContext context, WebSocket socket)
{
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The path the feed asked for, such as <c>/stream</c>.</summary>
    public string Path { get; } = context.Request.Path.Value ?? "";

    /// <summary>The decoded query, such as <c>?streams=btcusdt@ticker/ethusdt@ticker</c>.</summary>
    public string Query { get; } = Uri.UnescapeDataString(context.Request.QueryString.Value ?? "");

    /// <summary>Completes when the connection is over, with how it ended (closed by the feed, or aborted).</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>The next text message the feed sent (waiting for it, with a deadline).</summary>
    public async Task<string> ReceiveAsync() => await _received.Reader.ReadAsync().AsTask().DefaultTimeout();

    /// <summary>Messages the feed sent that have not been read.</summary>
    public List<string> Unread()
    {
        var unread = new List<string>();
        while (_received.Reader.TryRead(out var message))
        {
            unread.Add(message);
        }

        return unread;
    }

    public async Task SendAsync(params string[] messages)
    {
        foreach (var message in messages)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        }
    }

    /// <summary>The venue ends the connection with a close frame, as Binance does after 24 hours.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description) =>
        await socket.CloseOutputAsync(status, description, CancellationToken.None).DefaultTimeout();

    /// <summary>The connection breaks without a close frame, as when the venue's process or the network dies.</summary>
    public void Drop()
    {
        try
        {
            context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request is over: the connection had ended already.
        }
    }

    internal async Task RunAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    _ended.TrySetResult($"closed by the feed ({(int?)result.CloseStatus} {result.CloseStatusDescription})");
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _received.Writer.TryWrite(Encoding.UTF8.GetString(message.ToArray()));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            _ended.TrySetResult($"aborted: {ex.Message}");
        }
    }
}
