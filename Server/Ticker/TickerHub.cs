using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Each connection subscribes to symbols; each symbol is one SignalR group. Every symbol is validated and checked
/// against the caller's entitlements before any group is touched, and a call either succeeds whole or changes nothing.
/// </summary>
[Authorize(TickerPolicies.Subscriber)]
public sealed class TickerHub(QuoteBook book, ILogger<TickerHub> logger) : Hub<ITickerClient>, ITickerHub
{
    public const string Path = HubPaths.Ticker;
    public const int MaxSubscriptions = 50;

    /// <summary>This connection's symbols. SignalR runs one hub call per connection at a time, so no lock is needed.</summary>
    private HashSet<string> Subscriptions
    {
        get
        {
            if (Context.Items.TryGetValue(nameof(Subscriptions), out var value) && value is HashSet<string> set)
            {
                return set;
            }

            set = new HashSet<string>(StringComparer.Ordinal);
            Context.Items[nameof(Subscriptions)] = set;
            return set;
        }
    }

    /// <summary>Joins one group per symbol and returns the latest quote of each newly subscribed symbol.</summary>
    public async Task<Quote[]> Subscribe(string[] symbols)
    {
        if (symbols is null)
        {
            throw Refuse("Subscribe needs an array of symbols, such as [\"BTC-USD\"].");
        }

        if (symbols.Length > MaxSubscriptions)
        {
            throw Refuse($"Subscribe takes at most {MaxSubscriptions} symbols at once; {symbols.Length} were sent.");
        }

        var entitlements = Entitlements.Of(Context.User);
        var current = Subscriptions;
        var added = new List<string>();
        foreach (var raw in symbols)
        {
            if (!Symbol.TryNormalise(raw, out var symbol))
            {
                throw Refuse($"{Symbol.Describe(raw)} is not a valid symbol: use letters and digits such as BTC-USD.");
            }

            if (!book.Contains(symbol))
            {
                throw Refuse($"'{symbol}' is not a known symbol. GET /api/symbols lists the symbols you can subscribe to.");
            }

            if (!entitlements.Allows(symbol))
            {
                throw Refuse($"'{symbol}' is not included in your API key's entitlements.");
            }

            if (!current.Contains(symbol) && !added.Contains(symbol))
            {
                added.Add(symbol);
            }
        }

        if (current.Count + added.Count > MaxSubscriptions)
        {
            throw Refuse($"A connection may hold at most {MaxSubscriptions} subscriptions; it has {current.Count} and asked for {added.Count} more.");
        }

        foreach (var symbol in added)
        {
            // Join first, then read the snapshot: every tick after the join is pushed, so the client sees no gap.
            await Groups.AddToGroupAsync(Context.ConnectionId, Symbol.GroupName(symbol), Context.ConnectionAborted);
            current.Add(symbol);
        }

        if (added.Count > 0)
        {
            TickerLog.Subscribed(logger, Context.ConnectionId, Context.User?.KeyId(), string.Join(',', added));
        }

        return [.. added.Select(symbol => book[symbol])];
    }

    /// <summary>Leaves the groups; unknown or not-subscribed symbols are ignored.</summary>
    public async Task Unsubscribe(string[] symbols)
    {
        var current = Subscriptions;
        var removed = new List<string>();
        foreach (var raw in symbols ?? [])
        {
            if (Symbol.TryNormalise(raw, out var symbol) && current.Remove(symbol))
            {
                await Groups.RemoveFromGroupAsync(Context.ConnectionId, Symbol.GroupName(symbol), Context.ConnectionAborted);
                removed.Add(symbol);
            }
        }

        if (removed.Count > 0)
        {
            TickerLog.Unsubscribed(logger, Context.ConnectionId, Context.User?.KeyId(), string.Join(',', removed));
        }
    }

    /// <summary>The connection's current symbols, in order.</summary>
    public Task<string[]> GetSubscriptions() => Task.FromResult<string[]>([.. Subscriptions.Order(StringComparer.Ordinal)]);

    private HubException Refuse(string reason)
    {
        TickerLog.SubscribeRefused(logger, Context.ConnectionId, Context.User?.KeyId(), reason);
        return new HubException(reason);
    }
}
