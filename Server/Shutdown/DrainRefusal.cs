using SignalRTicker.Server.Errors;

namespace SignalRTicker.Server.Shutdown;

/// <summary>
/// While the node drains, a new hub connection (a negotiate, or a WebSocket connect) gets a 503 problem with
/// <c>Retry-After</c>, which a load balancer can take as a cue to try another node and a client as a cue to reconnect
/// elsewhere. Requests of connections already open (long polling, sends) pass until the drain closes them.
/// </summary>
internal sealed class DrainRefusal(RequestDelegate next, ShutdownDrain drain)
{
    internal const int RetryAfterSeconds = 1;

    public async Task InvokeAsync(HttpContext context)
    {
        if (drain.IsDraining && OpensConnection(context))
        {
            drain.Refused();
            await RetryLater.Problem(context, StatusCodes.Status503ServiceUnavailable, RetryAfterSeconds,
                "Server shutting down",
                "This node is shutting down and takes no new connections. Connect again: another node (or this one, once restarted) takes the connection.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static bool OpensConnection(HttpContext context) =>
        context.Request.Path.StartsWithSegments(HubPaths.Ticker, out var rest)
        && (rest.Equals("/negotiate", StringComparison.OrdinalIgnoreCase) || (!rest.HasValue && context.WebSockets.IsWebSocketRequest));
}
