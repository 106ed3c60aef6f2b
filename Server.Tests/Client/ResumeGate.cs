using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// A hub filter for client tests: drops subscribing connections from the server side, and while closed holds every
/// <c>Resume</c> call before the hub runs it, so quotes can be published while a reconnecting client is away.
/// </summary>
public sealed class ResumeGate : IHubFilter
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _subscribers = new();
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly TaskCompletionSource _resumeHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile TaskCompletionSource _open = Opened();

    /// <summary>Adds this filter to every hub of the app under test (for <see cref="TickerAppFactory.TestServices"/>).</summary>
    public void Register(IServiceCollection services) => services.Configure<HubOptions>(options => options.AddFilter(this));

    /// <summary>Every hub method called, in order.</summary>
    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>Completes when a <c>Resume</c> call is being held.</summary>
    public Task ResumeHeld => _resumeHeld.Task;

    /// <summary>Holds <c>Resume</c> calls from now on.</summary>
    public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets held and later <c>Resume</c> calls through.</summary>
    public void Open() => _open.TrySetResult();

    /// <summary>Aborts every connection that has subscribed, as a network drop would; returns how many.</summary>
    public int DropSubscribers()
    {
        var count = 0;
        foreach (var (id, context) in _subscribers)
        {
            if (_subscribers.TryRemove(id, out _))
            {
                context.Abort();
                count++;
            }
        }

        return count;
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethodName;
        _calls.Enqueue(method);
        if (method is nameof(ITickerHub.Subscribe) or nameof(ITickerHub.Resume))
        {
            _subscribers[invocationContext.Context.ConnectionId] = invocationContext.Context;
        }

        if (method == nameof(ITickerHub.Resume))
        {
            var open = _open.Task;
            if (!open.IsCompleted)
            {
                _resumeHeld.TrySetResult();
            }

            await open.WaitAsync(invocationContext.Context.ConnectionAborted);
        }

        return await next(invocationContext);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _subscribers.TryRemove(context.Context.ConnectionId, out _);
        return next(context, exception);
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource();
        open.SetResult();
        return open;
    }
}
