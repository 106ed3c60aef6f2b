using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.RateLimits;

namespace SignalRTicker.Server.Revocation;

/// <summary>Registers every hub connection by token and key, so a revocation reaches it, and refuses revoked ones.</summary>
internal sealed class ConnectionFilter(ConnectionRegistry registry, RevocationList revocations, ConnectionCap cap, ILogger<ConnectionFilter> logger) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var caller = context.Context;
        var tokenId = caller.User?.FindFirstValue(TickerClaims.TokenId);
        var keyId = Guid.TryParse(caller.User?.KeyId(), out var key) ? key : (Guid?)null;
        var max = keyId is { } id ? await cap.MaxForAsync(id) : null;
        if (!registry.TryAdd(caller, tokenId, keyId, max))
        {
            RateLimitLog.ConnectionCapReached(logger, keyId!.Value, caller.GetHttpContext()?.Connection.RemoteIpAddress?.ToString(), max!.Value);
            throw new HubException(
                $"This API key already has {max} open connections, the most it may hold. Close one, or ask an operator for a higher limit.");
        }

        // Registered first, then checked: a revocation that lands in between either sees this connection or is seen here.
        if (revocations.IsRevoked(tokenId, keyId?.ToString()))
        {
            RevocationLog.RevokedOnConnect(logger, caller.ConnectionId, keyId);
            caller.Abort();
        }

        try
        {
            await next(context);
        }
        catch
        {
            // OnDisconnectedAsync does not run when OnConnectedAsync fails.
            registry.Remove(caller.ConnectionId);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        registry.Remove(context.Context.ConnectionId);
        await next(context, exception);
    }
}
