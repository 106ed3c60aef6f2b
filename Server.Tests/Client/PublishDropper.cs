using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// A hub filter that, once armed, aborts the connection of the next <c>Publish</c> calls before the hub runs them, as
/// a network drop with a batch in flight would: the caller cannot know whether it was published.
/// </summary>
public sealed class PublishDropper(int drops) : IHubFilter
{
    private int _left;

    /// <summary>Drops the connection of the next <c>drops</c> publish calls.</summary>
    public void Arm() => Volatile.Write(ref _left, drops);

    /// <summary>Adds this filter to every hub of the app under test (for <see cref="TickerAppFactory.TestServices"/>).</summary>
    public void Register(IServiceCollection services) => services.Configure<HubOptions>(options => options.AddFilter(this));

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethodName == nameof(ITickerHub.Publish) && Interlocked.Decrement(ref _left) >= 0)
        {
            invocationContext.Context.Abort();
            await Task.Delay(Timeout.Infinite, invocationContext.Context.ConnectionAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null;
        }

        return await next(invocationContext);
    }
}
