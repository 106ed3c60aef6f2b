using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRTicker.Server.Tests.Shutdown;

/// <summary>A hub filter that holds every <c>Publish</c> call inside the hub's filters until opened, so a call is in flight on demand.</summary>
public sealed class PublishGate : IHubFilter
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ran;

    /// <summary>Adds this filter after the app's own (for <see cref="TickerAppFactory.TestServices"/>).</summary>
    public void Register(IServiceCollection services) => services.Configure<HubOptions>(options => options.AddFilter(this));

    /// <summary>Completes when a <c>Publish</c> call is being held.</summary>
    public Task Held => _held.Task;

    /// <summary>How many <c>Publish</c> calls reached this filter (ran past the app's own).</summary>
    public int Ran => Volatile.Read(ref _ran);

    public void Open() => _open.TrySetResult();

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethodName == nameof(ITickerHub.Publish))
        {
            Interlocked.Increment(ref _ran);
            _held.TrySetResult();
            await _open.Task;
        }

        return await next(invocationContext);
    }
}
