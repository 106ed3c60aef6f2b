using Microsoft.AspNetCore.SignalR.Protocol;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Revocation;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// Acts on control messages that concern live connections: a revoked token or key closes its connections, a removed
/// instrument ends its subscriptions.
/// </summary>
internal sealed class TickerControlHandlers(IControlChannel control, LiveConnections connections, QuoteDelivery delivery, ILogger<TickerControlHandlers> logger)
    : IHostedService
{
    public const string InstrumentRemovedReason = "instrument removed";

    private readonly List<IDisposable> _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(control.Subscribe<TokenRevoked>(OnTokenRevoked));
        _subscriptions.Add(control.Subscribe<KeyRevoked>(OnKeyRevoked));
        _subscriptions.Add(control.Subscribe<InstrumentRemoved>(OnInstrumentRemoved));
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

    private void OnInstrumentRemoved(InstrumentRemoved message)
    {
        var writers = delivery.RemoveTopic(message.Symbol);
        // Through each writer, after anything of the symbol already on its way: nothing of it follows the notice.
        delivery.Send(writers, new InvocationMessage(nameof(ITickerClient.Unsubscribed), [new[] { message.Symbol }, InstrumentRemovedReason]));
        TickerLog.InstrumentUnsubscribed(logger, message.Symbol, writers.Count);
    }
}
