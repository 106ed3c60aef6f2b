using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// A bare Kestrel server on its own loopback port that stands for a node behind a proxy: <c>/</c> answers its name,
/// <c>/headers/{name}</c> the value of a request header it received, <c>/echo</c> echoes WebSocket messages, and
/// <c>/hub</c> is a SignalR <see cref="EchoHub"/>.
/// </summary>
public sealed class EchoServer(WebApplication app, Uri baseAddress) : IAsyncDisposable
{
    public Uri BaseAddress { get; } = baseAddress;

    public static async Task<EchoServer> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapGet("/", () => name);
        app.MapGet("/headers/{header}", (string header, HttpRequest request) => request.Headers[header].ToString());
        app.Map("/echo", EchoAsync);
        app.MapHub<EchoHub>("/hub");
        await app.StartAsync();
        return new EchoServer(app, new Uri(app.Urls.Single()));
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private static async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
        }
    }
}
