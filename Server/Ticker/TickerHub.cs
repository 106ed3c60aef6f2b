using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Each connection subscribes to symbols. Every symbol is validated and checked against the caller's entitlements
/// before anything changes, and a call either succeeds whole or changes nothing. Subscriptions live in the
/// connection's <see cref="QuoteWriter"/>; the hub reads and changes them through the delivery.
/// </summary>
[Authorize(TickerPolicies.Subscriber)]
public sealed class TickerHub(LiveConnections connections, QuoteDelivery delivery, InstrumentRegistry instruments, QuotePublisher publisher, ILogger<TickerHub> logger)
    : Hub<ITickerClient>, ITickerHub
{
    public const string Path = HubPaths.Ticker;
    public const int MaxSubscriptions = 50;

    /// <summary>Subscribes to each symbol and returns the latest quote of each newly subscribed one.</summary>
    public Task<Quote[]> Subscribe(string[] symbols)
    {
        var live = Current;
        if (symbols is null)
        {
            throw new HubException("Subscribe needs an array of symbols, such as [\"BTC-USD\"].");
        }

        if (symbols.Length > MaxSubscriptions)
        {
            throw new HubException($"Subscribe takes at most {MaxSubscriptions} symbols at once; {symbols.Length} were sent.");
        }

        var held = live.Writer.TopicCount;
        var added = new List<string>();
        foreach (var raw in symbols)
        {
            if (!Symbol.TryNormalise(raw, out var symbol))
            {
                throw new HubException($"{Symbol.Describe(raw)} is not a valid symbol: use letters and digits such as BTC-USD.");
            }

            if (!instruments.Contains(symbol))
            {
                throw new HubException($"'{symbol}' is not a known symbol. GET /api/symbols lists the symbols you can subscribe to.");
            }

            if (!live.Entitlements.Allows(symbol))
            {
                throw new HubException($"'{symbol}' is not included in your API key's entitlements.");
            }

            if (!added.Contains(symbol) && !live.Writer.Holds(symbol))
            {
                added.Add(symbol);
            }
        }

        if (held + added.Count > MaxSubscriptions)
        {
            throw new HubException($"A connection may hold at most {MaxSubscriptions} subscriptions; it has {held} and asked for {added.Count} more.");
        }

        var snapshot = new List<Quote>(added.Count);
        foreach (var symbol in added)
        {
            // Join first, then read the latest quote: every quote recorded after the join is pushed, so no gap.
            delivery.Join(live.Writer, symbol);
            if (instruments.TryGetLatest(symbol, out var latest))
            {
                snapshot.Add(latest);
            }
        }

        if (added.Count > 0)
        {
            TickerLog.Subscribed(logger, Context.ConnectionId, live.KeyId, string.Join(',', added));
        }

        return Task.FromResult(snapshot.ToArray());
    }

    /// <summary>Leaves the symbols; unknown or not-subscribed symbols are ignored.</summary>
    public Task Unsubscribe(string[] symbols)
    {
        var live = Current;
        var removed = new List<string>();
        foreach (var raw in symbols ?? [])
        {
            if (Symbol.TryNormalise(raw, out var symbol) && delivery.Leave(live.Writer, symbol))
            {
                removed.Add(symbol);
            }
        }

        if (removed.Count > 0)
        {
            TickerLog.Unsubscribed(logger, Context.ConnectionId, live.KeyId, string.Join(',', removed));
        }

        return Task.CompletedTask;
    }

    /// <summary>The connection's current symbols, in order.</summary>
    public Task<string[]> GetSubscriptions() => Task.FromResult(Current.Subscriptions);

    /// <summary>Publishes a batch (publisher or admin role), all or nothing, as <c>POST /api/quotes</c> does.</summary>
    public async Task<PublishResult> Publish(QuoteInput[] quotes)
    {
        if (publisher.Check(Context.User!, quotes, out var updates) is { } refusal)
        {
            throw new HubException($"Publish refused; nothing of the batch was published: {refusal.Detail}");
        }

        return await publisher.PublishAsync(updates, Context.ConnectionAborted);
    }

    private LiveConnection Current => connections.TryGet(Context.ConnectionId, out var live)
        ? live
        : throw new HubException("This connection is closing; reconnect to subscribe.");
}
