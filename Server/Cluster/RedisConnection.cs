using Microsoft.Extensions.Options;
using SignalRTicker.Server.Errors;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// This node's one <see cref="IConnectionMultiplexer"/>, set for fast failure: it connects in the background
/// (abortConnect=false), a command sent while it is disconnected fails at once instead of queueing (FailFast), and one
/// that gets no answer fails after <see cref="ClusterOptions.CommandTimeout"/>. So work that needs Redis fails with a
/// clear error during an outage, and everything carries on by itself when Redis returns.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    private readonly ILogger<RedisConnection> _logger;
    private readonly TimeProvider _time;
    private long _restoredAt;
    private int _down;

    public RedisConnection(IConfiguration configuration, ClusterNode node, IOptions<ClusterOptions> options, TimeProvider time, ILogger<RedisConnection> logger)
    {
        _logger = logger;
        _time = time;
        var settings = options.Value;
        var redis = ConfigurationOptions.Parse(configuration.GetConnectionString(ClusterOptions.RedisConnectionStringName)!);
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        redis.ConnectTimeout = (int)settings.ConnectTimeout.TotalMilliseconds;
        redis.SyncTimeout = redis.AsyncTimeout = (int)settings.CommandTimeout.TotalMilliseconds;
        redis.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
        // A dead link that sends no reset is found by the keep-alive ping; the default waits a minute.
        redis.KeepAlive = 5;
        redis.ClientName ??= $"signalr-ticker-{node.Id}";
        Endpoint = string.Join(", ", redis.EndPoints.Select(e => e.ToString()));
        Multiplexer = ConnectionMultiplexer.Connect(redis);
        Multiplexer.ConnectionFailed += OnConnectionFailed;
        Multiplexer.ConnectionRestored += OnConnectionRestored;
        if (!Multiplexer.IsConnected)
        {
            Interlocked.Exchange(ref _down, 1);
            ClusterLog.RedisUnreachableAtStart(logger, Endpoint);
        }
    }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>Where Redis is, for log lines and health reasons (no password).</summary>
    public string Endpoint { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    public ISubscriber Subscriber => Multiplexer.GetSubscriber();

    public bool IsConnected => Multiplexer.IsConnected;

    /// <summary>
    /// True from start, or once the link has been back for <paramref name="settled"/>: a node that held a lease through
    /// an outage gets that long to take it back before the others compete for it.
    /// </summary>
    public bool SettledFor(TimeSpan settled) =>
        IsConnected && (Volatile.Read(ref _restoredAt) is var restored && (restored == 0 || _time.GetElapsedTime(restored) >= settled));

    /// <summary>True for a failure of Redis itself (unreachable, no answer in time, still loading its data).</summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
        || (exception is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    /// <summary>The refusal for work that needed Redis while it failed: what could not be done, and why.</summary>
    public ClusterUnavailableException Unavailable(string what, Exception? failure = null) =>
        new($"{what} needs the cluster's store (Redis at {Endpoint}), which is unreachable.", failure);

    public void Dispose()
    {
        Multiplexer.ConnectionFailed -= OnConnectionFailed;
        Multiplexer.ConnectionRestored -= OnConnectionRestored;
        Multiplexer.Dispose();
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            ClusterLog.RedisLost(_logger, Endpoint, e.FailureType.ToString(), e.Exception?.Message ?? "no detail");
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        Volatile.Write(ref _restoredAt, _time.GetTimestamp());
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            ClusterLog.RedisRestored(_logger, Endpoint);
        }
    }
}
