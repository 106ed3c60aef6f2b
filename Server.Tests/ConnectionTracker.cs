using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRTicker.Server.Tests;

/// <summary>A hub filter that sees every connection and call, so a test can drop connections from the server side.</summary>
public sealed class ConnectionTracker : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new();
    private readonly ConcurrentQueue<(string ConnectionId, string Method)> _calls = new();

    public IReadOnlyCollection<HubCallerContext> Open => [.. _open.Values];

    /// <summary>Adds this tracker to every hub of the app under test (for <see cref="TickerAppFactory.TestServices"/>).</summary>
    public void Register(IServiceCollection services) => services.Configure<HubOptions>(options => options.AddFilter(this));

    public bool IsEmpty => _open.IsEmpty;

    public IReadOnlyList<(string ConnectionId, string Method)> Calls => [.. _calls];

    /// <summary>Aborts every open connection, as a crashing proxy or a network drop would.</summary>
    public int AbortAll()
    {
        var count = 0;
        foreach (var (id, context) in _open)
        {
            if (_open.TryRemove(id, out _))
            {
                context.Abort();
                count++;
            }
        }

        return count;
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        _calls.Enqueue((invocationContext.Context.ConnectionId, invocationContext.HubMethodName));
        return await next(invocationContext);
    }

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _open[context.Context.ConnectionId] = context.Context;
        return next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _open.TryRemove(context.Context.ConnectionId, out _);
        return next(context, exception);
    }
}
