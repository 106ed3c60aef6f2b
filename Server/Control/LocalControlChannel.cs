using System.Collections.Immutable;

namespace SignalRTicker.Server.Control;

/// <summary>The control channel of a single node: messages go straight to this process's handlers.</summary>
public sealed class LocalControlChannel(ILogger<LocalControlChannel> logger) : IControlChannel
{
    private ImmutableDictionary<Type, ImmutableArray<Delegate>> _handlers = ImmutableDictionary<Type, ImmutableArray<Delegate>>.Empty;

    public Task PublishAsync<TMessage>(TMessage message, CancellationToken cancellationToken = default)
        where TMessage : class, IControlMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        Dispatch(message);
        return Task.CompletedTask;
    }

    /// <summary>Runs this node's handlers of the message's type; one failing handler does not stop the others.</summary>
    public void Dispatch<TMessage>(TMessage message)
        where TMessage : class, IControlMessage
    {
        if (!Volatile.Read(ref _handlers).TryGetValue(typeof(TMessage), out var handlers))
        {
            return;
        }

        foreach (var handler in handlers)
        {
            try
            {
                ((Action<TMessage>)handler)(message);
            }
            catch (Exception ex)
            {
                ControlLog.HandlerFailed(logger, ex, TMessage.Kind);
            }
        }
    }

    public IDisposable Subscribe<TMessage>(Action<TMessage> handler)
        where TMessage : class, IControlMessage
    {
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.AddOrUpdate(ref _handlers, typeof(TMessage), [handler], (_, existing) => existing.Add(handler));
        return new Subscription(() => ImmutableInterlocked.AddOrUpdate(
            ref _handlers, typeof(TMessage), [], (_, existing) => existing.Remove(handler)));
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
