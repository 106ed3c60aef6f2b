using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using SignalRTicker.Server.Delivery;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>
/// Two writers on one WebSocket, over a real loopback TCP connection: SignalR's transport and the delivery. A message
/// SignalR sends in fragments must reach the client whole, with no quote frame inside it.
/// </summary>
public sealed class SharedWebSocketTests : IAsyncLifetime
{
    private WebSocket _server = null!;
    private WebSocket _client = null!;
    private SharedWebSocket _shared = null!;

    public async Task InitializeAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).DefaultTimeout();
        var server = await accept.DefaultTimeout();
        _server = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true });
        _client = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
        _shared = new SharedWebSocket(_server);
    }

    public Task DisposeAsync()
    {
        _shared.Dispose();
        _client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AQuoteFrame_WaitsForTheLastFragmentOfSignalRsMessage()
    {
        await _shared.SendAsync(Bytes("first half,"), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None).DefaultTimeout();

        var quote = _shared.SendMessageAsync(Bytes("quote"), WebSocketMessageType.Text).AsTask();
        await Task.Yield();
        Assert.False(quote.IsCompleted, "the quote frame went out while SignalR's message was half sent");

        await _shared.SendAsync(Bytes("second half"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        await quote.DefaultTimeout();

        Assert.Equal("first half,second half", await ReceiveMessageAsync());
        Assert.Equal("quote", await ReceiveMessageAsync());
    }

    [Fact]
    public async Task SignalRsMessage_WaitsForAQuoteFrameInFlight_AndTheHandshakeIsSeen()
    {
        Assert.False(_shared.HandshakeSent);

        // Both writers at once: whichever takes the gate first, each message arrives whole.
        var quote = _shared.SendMessageAsync(Bytes("quote"), WebSocketMessageType.Text).AsTask();
        var hub = _shared.SendAsync(Bytes("{}\u001e"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).AsTask();
        await Task.WhenAll(quote, hub).DefaultTimeout();

        Assert.True(_shared.HandshakeSent);
        string[] received = [await ReceiveMessageAsync(), await ReceiveMessageAsync()];
        Assert.Equal(["quote", "{}\u001e"], received.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFailedSend_ReleasesTheGate_SoTheOtherWriterFailsInsteadOfHanging()
    {
        _server.Abort();

        await Assert.ThrowsAnyAsync<WebSocketException>(async () =>
            await _shared.SendAsync(Bytes("part"), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None));

        // A hang would surface as the deadline's TimeoutException, which this does not accept.
        await Assert.ThrowsAnyAsync<WebSocketException>(() => _shared.SendMessageAsync(Bytes("quote"), WebSocketMessageType.Text).AsTask().DefaultTimeout());
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<string> ReceiveMessageAsync()
    {
        var buffer = new byte[1024];
        var text = new StringBuilder();
        while (true)
        {
            var result = await _client.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().DefaultTimeout();
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            if (result.EndOfMessage)
            {
                return text.ToString();
            }
        }
    }
}
