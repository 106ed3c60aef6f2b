using System.Net.WebSockets;

namespace SignalRTicker.Server.Delivery;

/// <summary>
/// The hub connection's WebSocket, shared by two writers: SignalR's transport (handshake, completions, pings, close)
/// and <see cref="QuoteDelivery"/>, which sends each connection's coalesced quote frame straight to the socket instead
/// of through SignalR's transport pipe. A gate keeps their messages whole: a message SignalR sends as several
/// fragments holds the gate from its first fragment to its last, so a quote frame never lands inside it.
/// </summary>
/// <remarks>
/// Everything else (receiving, closing, state) is the inner socket's, untouched. Both writers already send one message
/// at a time each, so at most two wait on the gate.
/// </remarks>
internal sealed class SharedWebSocket(WebSocket inner) : WebSocket
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Set while SignalR is between the first and the last fragment of a message (it holds the gate).</summary>
    private bool _inMessage;

    private volatile bool _handshakeSent;

    /// <summary>True once SignalR has sent its first message (the handshake response): quotes may follow it.</summary>
    public bool HandshakeSent => _handshakeSent;

    /// <summary>Sends one whole message for the delivery. Completes when the socket has taken it.</summary>
    public async ValueTask SendMessageAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await inner.SendAsync(message, type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (!_inMessage)
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var sent = false;
        try
        {
            await inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken).ConfigureAwait(false);
            sent = true;
        }
        finally
        {
            // A failed send ends the message too: the socket is unusable mid-message, and the gate must not stay held.
            _inMessage = sent && !endOfMessage;
            if (sent)
            {
                _handshakeSent = true;
            }

            if (!_inMessage)
            {
                _gate.Release();
            }
        }
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, WebSocketMessageFlags messageFlags, CancellationToken cancellationToken)
        => SendAsync(buffer, messageType, messageFlags.HasFlag(WebSocketMessageFlags.EndOfMessage), cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => SendAsync(buffer.AsMemory(), messageType, endOfMessage, cancellationToken).AsTask();

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override void Abort() => inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        => inner.ReceiveAsync(buffer, cancellationToken);

    public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        => inner.ReceiveAsync(buffer, cancellationToken);

    // The gate is not disposed: a delivery send may still be waiting on it, and it holds no wait handle.
    public override void Dispose() => inner.Dispose();
}
