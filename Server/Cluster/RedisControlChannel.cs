using System.Collections.Concurrent;
using System.Text.Json;
using SignalRTicker.Server.Control;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// The control channel of a cluster: a message runs this node's handlers at once (as on a single node), then goes to
/// every other node by Redis pub/sub as JSON named by its kind, where it runs theirs; a node skips its own echo. When
/// Redis is unreachable the message still acts here, and the other nodes' database sweeps (revocations, key changes,
/// instruments) are the backstop.
/// </summary>
internal sealed class RedisControlChannel(LocalControlChannel local, RedisConnection redis, ClusterNode node, ILogger<RedisControlChannel> logger)
    : IControlChannel
{
    /// <summary>Get-only properties (derived views such as <c>KeyChanged.Access</c>) stay off the wire.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { IgnoreReadOnlyProperties = true };

    /// <summary>Per kind, how to read a message from the wire and run this node's handlers of it.</summary>
    private readonly ConcurrentDictionary<string, Action<JsonElement>> _readers = new(StringComparer.Ordinal);

    public async Task PublishAsync<TMessage>(TMessage message, CancellationToken cancellationToken = default)
        where TMessage : class, IControlMessage
    {
        ArgumentNullException.ThrowIfNull(message);
        local.Dispatch(message);
        var envelope = JsonSerializer.SerializeToUtf8Bytes(new ControlEnvelope(node.Id, TMessage.Kind, JsonSerializer.SerializeToElement(message, Json)), Json);
        try
        {
            await redis.Subscriber.PublishAsync(RedisKeys.Control, envelope);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            ClusterLog.ControlNotSent(logger, TMessage.Kind, ex.Message);
        }
    }

    public IDisposable Subscribe<TMessage>(Action<TMessage> handler)
        where TMessage : class, IControlMessage
    {
        _readers.TryAdd(TMessage.Kind, element => local.Dispatch(element.Deserialize<TMessage>(Json)!));
        return local.Subscribe(handler);
    }

    /// <summary>A message from the cluster: run this node's handlers, unless this node sent it.</summary>
    public void Receive(ChannelMessage message)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<ControlEnvelope>((byte[])message.Message!, Json);
            if (envelope is null || envelope.Origin == node.Id || !_readers.TryGetValue(envelope.Kind, out var read))
            {
                return;
            }

            read(envelope.Message);
        }
        catch (JsonException ex)
        {
            ClusterLog.ControlUnreadable(logger, ex.Message);
        }
    }

    private sealed record ControlEnvelope(string Origin, string Kind, JsonElement Message);
}
