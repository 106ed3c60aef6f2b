using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Subscribes this node to the cluster's channels before anything else starts: control messages and quote batches.
/// Each channel's messages are handled one at a time, in the order Redis sent them. The multiplexer subscribes again
/// by itself after an outage. A node leads a feed only once it hears the cluster's quotes (<see cref="Subscribed"/>).
/// </summary>
internal sealed class ClusterChannels(
    RedisConnection redis,
    RedisControlChannel control,
    ClusterQuoteReceiver quotes,
    ClusterNode node,
    ILogger<ClusterChannels> logger) : IHostedService, IDisposable
{
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChannelMessageQueue? _control;
    private ChannelMessageQueue? _quotes;
    private readonly CancellationTokenSource _stopping = new();
    private Task _retry = Task.CompletedTask;
    private int _stopped;

    /// <summary>Completes once both channels are subscribed.</summary>
    public Task Subscribed => _subscribed.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ClusterLog.Joined(logger, node.Id, redis.Endpoint);
        if (!await TrySubscribeAsync())
        {
            // Redis is down at start: this node serves on its own and joins when Redis answers.
            _retry = Task.Run(() => RetryAsync(_stopping.Token), CancellationToken.None);
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            _control ??= await Subscribe(RedisKeys.Control, control.Receive);
            _quotes ??= await Subscribe(RedisKeys.Quotes, quotes.Receive);
            _subscribed.TrySetResult();
            return true;
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            return false;
        }
    }

    private async Task<ChannelMessageQueue> Subscribe(RedisChannel channel, Action<ChannelMessage> receive)
    {
        var queue = await redis.Subscriber.SubscribeAsync(channel);
        queue.OnMessage(receive);
        return queue;
    }

    private async Task RetryAsync(CancellationToken stopping)
    {
        try
        {
            while (!await TrySubscribeAsync())
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before Redis came back.
        }
    }

    /// <summary>Stops a retry still waiting for Redis; the subscriptions end with the multiplexer.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return; // the host and the test factory may both stop it
        }

        await _stopping.CancelAsync();
        await _retry;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _stopped, 1);
        _stopping.Dispose();
    }
}
