using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.RateLimits;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// The hub's lifetime manager, over one store of connections (<see cref="LiveConnections"/>) and one delivery
/// (<see cref="QuoteDelivery"/>). Every send of SignalR's API goes through the delivery, so a group send of
/// <c>Quote</c> through <c>IHubContext&lt;TickerHub, ITickerClient&gt;</c> is coalesced per connection, conflated for a
/// busy one and never blocks on a slow one. A group is a delivery topic: the hub's subscriptions and
/// <c>Groups.AddToGroupAsync</c> are the same membership.
/// </summary>
public sealed class TickerLifetimeManager(
    LiveConnections connections,
    IKeyConnectionCounter counter,
    QuoteDelivery delivery,
    ConnectionCap cap,
    RevocationList revocations,
    KeyAccessCache keys,
    ILogger<TickerLifetimeManager> logger) : HubLifetimeManager<TickerHub>
{
    private static readonly string QuoteMethod = nameof(ITickerClient.Quote);

    private readonly ConcurrentDictionary<string, ClientResult> _results = new(StringComparer.Ordinal);
    private long _lastInvocationId;

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        var writer = delivery.CreateWriter(connection)
            ?? throw new InvalidOperationException($"The delivery cannot serialize for the {connection.Protocol.Name} protocol.");
        // The hub's policy requires a key; a connection made some other way (through the lifetime manager itself) may
        // hold groups but sees no symbol. A key that no longer exists has nothing to see at all.
        var keyId = Guid.TryParse(connection.User.KeyId(), out var key) ? key : (Guid?)null;
        KeyAccess? access;
        try
        {
            access = keyId is null ? KeyAccess.None : await keys.GetAsync(key, connection.ConnectionAborted);
        }
        catch (OperationCanceledException) when (connection.ConnectionAborted.IsCancellationRequested)
        {
            access = null; // the client left while its key was read: nothing to register, and nothing went wrong
        }

        if (access is null)
        {
            delivery.Close(writer);
            connection.Abort();
            return;
        }

        var live = new LiveConnection(connection, writer, access);
        var max = keyId is null ? null : await cap.MaxForAsync(key);
        if (!connections.TryAdd(live, max) || (max is { } limit && !await ConfirmAsync(live, key, limit)))
        {
            // Negotiate refuses a key at its cap (429); this is the rare connection that raced another past that check.
            TickerLog.ConnectionCapReachedOnConnect(logger, connection.ConnectionId, live.KeyId, max ?? 0);
            delivery.Close(writer);
            live.Abort();
            return;
        }

        // Registered first, then checked: a revocation that lands in between either sees this connection or is seen here.
        if (revocations.IsRevoked(live.TokenId, live.KeyId?.ToString()))
        {
            TickerLog.RevokedOnConnect(logger, connection.ConnectionId, live.KeyId);
            live.Abort();
        }
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (connections.Remove(connection.ConnectionId, out var live))
        {
            delivery.Close(live.Writer);
            if (live.KeyId is { } key)
            {
                counter.Released(key);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The key's count on every node, with this connection in it; over the cap, the connection leaves again.</summary>
    private async ValueTask<bool> ConfirmAsync(LiveConnection live, Guid key, int max)
    {
        if (await counter.ConfirmAsync(key, max, live.Connection.ConnectionAborted))
        {
            return true;
        }

        connections.Remove(live.ConnectionId, out _);
        counter.Released(key);
        return false;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        delivery.Send(Writers(connections.All, static (_, _) => true, (object?)null), new InvocationMessage(methodName, args));
        return Task.CompletedTask;
    }

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        delivery.Send(Writers(connections.All, static (c, excluded) => !excluded.Contains(c.ConnectionId), excludedConnectionIds), new InvocationMessage(methodName, args));
        return Task.CompletedTask;
    }

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (connections.TryGet(connectionId, out var live))
        {
            delivery.Send([live.Writer], new InvocationMessage(methodName, args));
        }

        return Task.CompletedTask;
    }

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var writers = new List<QuoteWriter>(connectionIds.Count);
        foreach (var id in connectionIds)
        {
            if (connections.TryGet(id, out var live))
            {
                writers.Add(live.Writer);
            }
        }

        delivery.Send(writers, new InvocationMessage(methodName, args));
        return Task.CompletedTask;
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        delivery.Publish(groupName, new InvocationMessage(methodName, args), conflatable: methodName == QuoteMethod);
        return Task.CompletedTask;
    }

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var message = new InvocationMessage(methodName, args);
        using var batch = delivery.BeginBatch();
        foreach (var groupName in groupNames)
        {
            delivery.Publish(groupName, message, conflatable: methodName == QuoteMethod);
        }

        return Task.CompletedTask;
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        delivery.Publish(groupName, new InvocationMessage(methodName, args), conflatable: methodName == QuoteMethod, excludedConnectionIds);
        return Task.CompletedTask;
    }

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        delivery.Send(Writers(connections.All, static (c, user) => c.Connection.UserIdentifier == user, userId), new InvocationMessage(methodName, args));
        return Task.CompletedTask;
    }

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        delivery.Send(
            Writers(connections.All, static (c, users) => c.Connection.UserIdentifier is { } user && users.Contains(user), userIds),
            new InvocationMessage(methodName, args));
        return Task.CompletedTask;
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        if (connections.TryGet(connectionId, out var live))
        {
            delivery.Join(live.Writer, groupName);
        }

        return Task.CompletedTask;
    }

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groupName);
        if (connections.TryGet(connectionId, out var live))
        {
            delivery.Leave(live.Writer, groupName);
        }

        return Task.CompletedTask;
    }

    public override async Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        if (!connections.TryGet(connectionId, out var live))
        {
            throw new IOException($"Connection '{connectionId}' does not exist.");
        }

        var invocationId = Interlocked.Increment(ref _lastInvocationId).ToString(CultureInfo.InvariantCulture);
        var pending = new ClientResult(typeof(T), connectionId);
        _results[invocationId] = pending;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, live.Connection.ConnectionAborted);
        await using var registration = cancel.Token.Register(pending.Cancel);
        try
        {
            delivery.Send([live.Writer], new InvocationMessage(invocationId, methodName, args));
            return (T)(await pending.Task)!;
        }
        catch (OperationCanceledException) when (live.Connection.ConnectionAborted.IsCancellationRequested)
        {
            throw new IOException($"Connection '{connectionId}' disconnected.");
        }
        finally
        {
            _results.TryRemove(invocationId, out _);
        }
    }

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result)
    {
        if (result.InvocationId is { } id && _results.TryGetValue(id, out var pending) && pending.ConnectionId == connectionId)
        {
            if (result.Error is { } error)
            {
                pending.Fail(new HubException(error));
            }
            else
            {
                pending.Complete(result.Result);
            }
        }

        return Task.CompletedTask;
    }

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type)
    {
        type = _results.TryGetValue(invocationId, out var pending) ? pending.ResultType : null;
        return type is not null;
    }

    private static List<QuoteWriter> Writers<TState>(IEnumerable<LiveConnection> all, Func<LiveConnection, TState, bool> include, TState state)
    {
        var writers = new List<QuoteWriter>();
        foreach (var connection in all)
        {
            if (include(connection, state))
            {
                writers.Add(connection.Writer);
            }
        }

        return writers;
    }
}
