using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// A gateway that is down behind its proxy: every request, the token request included, gets 502 Bad Gateway. It
/// counts the requests, so a test can tell exactly how many attempts a client made.
/// </summary>
public sealed class DownServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private DownServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(http =>
        {
            Interlocked.Increment(ref _requests);
            http.Response.StatusCode = StatusCodes.Status502BadGateway;
            return Task.CompletedTask;
        });
    }

    public Uri Url => new(_app.Urls.Single() + "/");

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<DownServer> StartAsync()
    {
        var server = new DownServer();
        await server._app.StartAsync().DefaultTimeout();
        return server;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
