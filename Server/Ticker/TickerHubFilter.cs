using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Errors;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Logs how a hub call ended when it did not succeed: a refusal the hub chose (a <see cref="HubException"/>) as one
/// line at Information, anything else as an error with its stack trace; a connection that keeps failing is summarised
/// (<see cref="RefusalLog"/>) rather than logged call by call. SignalR's dispatcher would log both as failures with a
/// stack trace; its error line is filtered out (see <see cref="TickerExtensions"/>).
/// Each call is counted on its connection until its result is written, so that a connection closed for a shutdown
/// answers the calls it has taken first; a call that arrives once the connection is closing never runs.
/// </summary>
internal sealed class TickerHubFilter(LiveConnections connections, RefusalLog log, ILogger<TickerHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (connections.TryGet(invocationContext.Context.ConnectionId, out var live))
        {
            if (!live.TryBeginCall())
            {
                // Its answer would come after the close message, which the client has acted on: the call ends with the
                // connection instead, and the client, not knowing its fate, sends it again on its next connection.
                await Task.Delay(Timeout.Infinite, invocationContext.Context.ConnectionAborted);
            }

            invocationContext.ServiceProvider.GetRequiredService<HubCallScope>().Hold(live);
        }

        try
        {
            return await RefuseWithoutClusterAsync(invocationContext, next);
        }
        catch (HubException ex)
        {
            var caller = invocationContext.Context;
            if (log.ShouldLog("refused hub calls", caller.ConnectionId))
            {
                TickerLog.CallRefused(logger, caller.ConnectionId, caller.User?.KeyId(), invocationContext.HubMethodName, ex.Message);
            }

            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var caller = invocationContext.Context;
            if (log.ShouldLog("failed hub calls", caller.ConnectionId))
            {
                TickerLog.CallFailed(logger, ex, caller.ConnectionId, caller.User?.KeyId(), invocationContext.HubMethodName);
            }

            throw;
        }
    }

    /// <summary>Work that needed the cluster's store while it was unreachable is a refusal the caller can retry, as over HTTP (503).</summary>
    private static async ValueTask<object?> RefuseWithoutClusterAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ClusterUnavailableException ex)
        {
            throw new HubException($"{invocationContext.HubMethodName} failed: {ex.Message} Retry in {ClusterUnavailableException.RetryAfter.TotalSeconds:0} s.");
        }
    }
}
