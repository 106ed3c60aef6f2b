using System.Net;
using System.Net.Sockets;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>A loopback port that nothing listens on: the kernel picks it, so parallel fixtures do not collide.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
