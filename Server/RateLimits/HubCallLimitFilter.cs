using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Errors;

namespace SignalRTicker.Server.RateLimits;

/// <summary>
/// A token bucket per connection (kept in the connection's items, read on the injected clock): a connection that
/// hammers the hub gets a <see cref="HubException"/>; other connections are unaffected.
/// </summary>
internal sealed class HubCallLimitFilter(IOptions<RateLimitOptions> options, TimeProvider time, RefusalLog log, ILogger<HubCallLimitFilter> logger) : IHubFilter
{
    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;

        public long Stamp { get; set; } = stamp;
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var limits = options.Value;
        var items = invocationContext.Context.Items;
        var now = time.GetTimestamp();
        var allowed = true;
        lock (items)
        {
            if (items.TryGetValue(typeof(Bucket), out var value) && value is Bucket bucket)
            {
                var refill = time.GetElapsedTime(bucket.Stamp, now).TotalSeconds * limits.HubCallsPerSecond;
                bucket.Tokens = Math.Min(limits.HubCallBurst, bucket.Tokens + refill);
                bucket.Stamp = now;
            }
            else
            {
                bucket = new Bucket(limits.HubCallBurst, now);
                items[typeof(Bucket)] = bucket;
            }

            if (bucket.Tokens >= 1)
            {
                bucket.Tokens--;
            }
            else
            {
                allowed = false;
            }
        }

        if (!allowed)
        {
            // A flooding connection is summarised, not logged call by call.
            var caller = invocationContext.Context;
            if (log.ShouldLog("hub calls over the limit", caller.ConnectionId))
            {
                RateLimitLog.HubCallLimited(logger, caller.ConnectionId, caller.User?.KeyId(), invocationContext.HubMethodName);
            }

            throw new HubException(
                $"Too many calls: a connection may make {limits.HubCallsPerSecond:0.#} calls per second (bursts of {limits.HubCallBurst}). Slow down and try again.");
        }

        return await next(invocationContext);
    }
}
