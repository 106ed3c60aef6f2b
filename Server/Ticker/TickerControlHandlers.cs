using Microsoft.AspNetCore.SignalR.Protocol;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Acts on control messages that concern live connections: a revoked token or key closes its connections, a removed
/// instrument ends its subscriptions, and a key's narrowed symbols end its connections' subscriptions to the others.
/// </summary>
internal sealed class TickerControlHandlers(
    IControlChannel control,
    LiveConnections connections,
    QuoteDelivery delivery,
    InstrumentRegistry instruments,
    ILogger<TickerControlHandlers> logger) : IHostedService
{

    private readonly List<IDisposable> _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(control.Subscribe<TokenRevoked>(OnTokenRevoked));
        _subscriptions.Add(control.Subscribe<KeyRevoked>(OnKeyRevoked));
        _subscriptions.Add(control.Subscribe<InstrumentRemoved>(OnInstrumentRemoved));
        _subscriptions.Add(control.Subscribe<KeyChanged>(OnKeyChanged));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscriptions.ForEach(subscription => subscription.Dispose());
        return Task.CompletedTask;
    }

    private void OnTokenRevoked(TokenRevoked revoked)
    {
        if (connections.AbortToken(revoked.TokenId) is var closed and > 0)
        {
            TickerLog.TokenConnectionsClosed(logger, revoked.TokenId, closed);
        }
    }

    private void OnKeyRevoked(KeyRevoked revoked)
    {
        if (connections.AbortKey(revoked.KeyId) is var closed and > 0)
        {
            TickerLog.KeyConnectionsClosed(logger, revoked.KeyId, closed);
        }
    }

    /// <summary>
    /// The key's live connections take its new access at once: subscriptions it no longer allows end, with an
    /// <c>Unsubscribed</c> notice sent after anything of them already on its way. (A role change also revokes the key's
    /// tokens, which closes the connections; that travels as its own revocations.)
    /// </summary>
    private void OnKeyChanged(KeyChanged changed)
    {
        var access = changed.Access;
        var narrowed = 0;
        var symbols = 0;
        foreach (var live in connections.OfKey(changed.KeyId))
        {
            var removed = live.ApplyAccess(access).Where(instruments.Contains).ToArray();
            if (removed.Length == 0)
            {
                continue;
            }

            foreach (var symbol in removed)
            {
                delivery.Leave(live.Writer, symbol);
            }

            delivery.Send([live.Writer], new InvocationMessage(nameof(ITickerClient.Unsubscribed), [removed, UnsubscribedReasons.EntitlementRemoved]));
            narrowed++;
            symbols += removed.Length;
        }

        if (narrowed > 0)
        {
            TickerLog.EntitlementsNarrowed(logger, changed.KeyId, narrowed, symbols);
        }
    }

    private void OnInstrumentRemoved(InstrumentRemoved message)
    {
        var writers = delivery.RemoveTopic(message.Symbol);
        // Through each writer, after anything of the symbol already on its way: nothing of it follows the notice.
        delivery.Send(writers, new InvocationMessage(nameof(ITickerClient.Unsubscribed), [new[] { message.Symbol }, UnsubscribedReasons.InstrumentRemoved]));
        TickerLog.InstrumentUnsubscribed(logger, message.Symbol, writers.Count);
    }
}
