using Microsoft.AspNetCore.SignalR.Protocol;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

/// <summary>Acts on control messages that concern live connections: a removed instrument ends its subscriptions.</summary>
internal sealed class TickerControlHandlers(IControlChannel control, QuoteDelivery delivery, ILogger<TickerControlHandlers> logger) : IHostedService
{
    public const string InstrumentRemovedReason = "instrument removed";

    private IDisposable? _instrumentRemoved;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _instrumentRemoved = control.Subscribe<InstrumentRemoved>(OnInstrumentRemoved);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _instrumentRemoved?.Dispose();
        return Task.CompletedTask;
    }

    private void OnInstrumentRemoved(InstrumentRemoved message)
    {
        var writers = delivery.RemoveTopic(message.Symbol);
        // Through each writer, after anything of the symbol already on its way: nothing of it follows the notice.
        delivery.Send(writers, new InvocationMessage(nameof(ITickerClient.Unsubscribed), [new[] { message.Symbol }, InstrumentRemovedReason]));
        TickerLog.InstrumentUnsubscribed(logger, message.Symbol, writers.Count);
    }
}
