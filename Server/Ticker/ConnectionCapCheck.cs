using SignalRTicker.Server.Auth;
using SignalRTicker.Server.RateLimits;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Refuses a new hub connection of a key that already holds its cap (on every node of the gateway), at negotiate (or at a connect without
/// negotiate), with a 429 problem, before any hub code runs. Requests of a connection already negotiated (they carry
/// its <c>id</c>) pass.
/// </summary>
internal sealed class ConnectionCapCheck(RequestDelegate next, IKeyConnectionCounter connections, ConnectionCap cap)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (Guid.TryParse(context.User.KeyId(), out var key)
            && await cap.MaxForAsync(key) is { } max
            && await connections.CountAsync(key, context.RequestAborted) >= max)
        {
            cap.Refused(context, key, max);
            await TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many connections for this key",
                detail: $"This API key already has {max} open connections, the most it may hold. Close one, or ask an operator for a higher limit.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
