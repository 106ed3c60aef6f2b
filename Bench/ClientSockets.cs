using System.Net.Sockets;
using System.Net.WebSockets;

namespace SignalRTicker.Bench;

internal static class ClientSockets
{
    private const int SmallBufferBytes = 4096;

    /// <summary>
    /// Connects <paramref name="socket"/>. With <paramref name="smallBuffers"/> the client's buffers, the kernel's
    /// included, are 4 KiB, so when it stops reading the server (not this process) holds the backlog within a few ticks.
    /// </summary>
    public static async Task ConnectAsync(ClientWebSocket socket, Uri url, bool smallBuffers, CancellationToken cancellationToken)
    {
        if (!smallBuffers)
        {
            await socket.ConnectAsync(url, cancellationToken);
            return;
        }

        socket.Options.SetBuffer(SmallBufferBytes, SmallBufferBytes);
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = SmallBufferBytes };
                try
                {
                    await tcp.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(tcp, ownsSocket: true);
                }
                catch
                {
                    tcp.Dispose();
                    throw;
                }
            },
        });
        await socket.ConnectAsync(url, invoker, cancellationToken);
    }
}
