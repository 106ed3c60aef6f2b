using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Each connection subscribes to symbols. Every symbol is validated and checked against the caller's entitlements
/// before anything changes, and a call either succeeds whole or changes nothing. Subscriptions live in the
/// connection's <see cref="QuoteWriter"/>; the hub reads and changes them through the delivery.
/// </summary>
[Authorize(TickerPolicies.Subscriber)]
public sealed class TickerHub(
    LiveConnections connections,
    QuoteDelivery delivery,
    InstrumentRegistry instruments,
    IQuoteEngine engine,
    QuotePublisher publisher,
    RefreshTokenValidator tokens,
    KeyAccessCache keys,
    IOptions<TickerOptions> options,
    ILogger<TickerHub> logger) : Hub<ITickerClient>, ITickerHub
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

        var added = Join(live, CheckSymbols(live, symbols, nameof(Subscribe)));
        var snapshot = new List<Quote>(added.Count);
        foreach (var symbol in added)
        {
            if (instruments.TryGetLatest(symbol, out var latest))
            {
                snapshot.Add(latest);
            }
        }

        return Task.FromResult(snapshot.ToArray());
    }

    /// <summary>
    /// Subscribes to each symbol like <see cref="Subscribe"/> and returns what the client missed since its last
    /// sequence: every quote when history still holds them, else the latest.
    /// </summary>
    public async Task<SymbolRecovery[]> Resume(SymbolPosition[] positions)
    {
        var live = Current;
        if (positions is null)
        {
            throw new HubException("Resume needs an array of positions, such as [{\"symbol\":\"BTC-USD\",\"sequence\":1234}].");
        }

        var since = new Dictionary<string, long>(StringComparer.Ordinal);
        var symbols = new string[positions.Length];
        for (var i = 0; i < positions.Length; i++)
        {
            if (positions[i] is not { } position)
            {
                throw new HubException($"positions[{i}] is null; each needs a symbol and the last sequence the client has.");
            }

            if (position.Sequence < 0)
            {
                throw new HubException($"positions[{i}].sequence must be 0 or more; it was {position.Sequence}.");
            }

            symbols[i] = position.Symbol;
        }

        var added = CheckSymbols(live, symbols, nameof(Resume));
        for (var i = 0; i < positions.Length; i++)
        {
            Symbol.TryNormalise(positions[i].Symbol, out var symbol);
            since[symbol] = since.TryGetValue(symbol, out var earlier) ? Math.Min(earlier, positions[i].Sequence) : positions[i].Sequence;
        }

        // Joined before history is read: a quote recorded in between is both pushed and read; the client drops one.
        Join(live, added);
        var recoveries = new List<SymbolRecovery>(since.Count);
        foreach (var (symbol, sequence) in since)
        {
            if (!instruments.TryGet(symbol, out var instrument))
            {
                continue; // removed since the check; its Unsubscribed notice is on its way
            }

            var read = await engine.ReadHistoryAsync(instrument, sequence, options.Value.HistorySize, Context.ConnectionAborted);
            recoveries.Add(read.Complete
                ? new SymbolRecovery(symbol, true, [.. read.Quotes])
                : new SymbolRecovery(symbol, false, instrument.Latest is { } latest ? [latest] : []));
        }

        return [.. recoveries];
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

    /// <summary>
    /// Replaces the connection's credential in place: a new token of the same key, checked as at connect. The
    /// connection then closes when the new token expires; symbols the key may no longer see are unsubscribed.
    /// </summary>
    public async Task<RefreshResult> RefreshToken(string accessToken)
    {
        var live = Current;
        var (token, refusal) = await tokens.ValidateAsync(accessToken);
        if (token is null)
        {
            throw new HubException($"RefreshToken refused; the connection keeps its token: {refusal}");
        }

        if (token.KeyId != live.KeyId)
        {
            throw new HubException("RefreshToken refused; the connection keeps its token: the new token was issued from another API key.");
        }

        var access = await keys.GetAsync(token.KeyId, Context.ConnectionAborted)
            ?? throw new HubException("RefreshToken refused; the connection keeps its token: the API key no longer exists.");
        live.Refresh(token.TokenId, token.ExpiresAt);
        var removed = live.ApplyAccess(access).Where(instruments.Contains).ToArray();
        foreach (var symbol in removed)
        {
            delivery.Leave(live.Writer, symbol);
        }

        TickerLog.TokenRefreshed(logger, Context.ConnectionId, live.KeyId, token.ExpiresAt, removed.Length);
        return new RefreshResult(token.ExpiresAt, [.. access.Symbols], removed);
    }

    /// <summary>Publishes a batch (publisher or admin role), all or nothing, as <c>POST /api/quotes</c> does.</summary>
    public async Task<PublishResult> Publish(QuoteInput[] quotes)
    {
        var check = await publisher.CheckAsync(Context.User!, quotes, Context.ConnectionAborted);
        if (check.Refusal is { } refusal)
        {
            throw new HubException($"Publish refused; nothing of the batch was published: {refusal.Detail}");
        }

        return await publisher.PublishAsync(check.Updates, Context.ConnectionAborted);
    }

    /// <summary>
    /// Checks every symbol (shape, existence, entitlement) and the subscription cap before anything changes; returns
    /// the symbols not held yet, in the order asked.
    /// </summary>
    private List<string> CheckSymbols(LiveConnection live, string?[] symbols, string method)
    {
        if (symbols.Length > MaxSubscriptions)
        {
            throw new HubException($"{method} takes at most {MaxSubscriptions} symbols at once; {symbols.Length} were sent.");
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

            if (!live.Access.Allows(symbol))
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

        return added;
    }

    /// <summary>Joins each symbol; every quote recorded after the join is pushed, so a snapshot read after it leaves no gap.</summary>
    private List<string> Join(LiveConnection live, List<string> symbols)
    {
        foreach (var symbol in symbols)
        {
            delivery.Join(live.Writer, symbol);
        }

        if (symbols.Count > 0)
        {
            TickerLog.Subscribed(logger, Context.ConnectionId, live.KeyId, string.Join(',', symbols));
        }

        return symbols;
    }

    private LiveConnection Current => connections.TryGet(Context.ConnectionId, out var live)
        ? live
        : throw new HubException("This connection is closing; reconnect to subscribe.");
}
