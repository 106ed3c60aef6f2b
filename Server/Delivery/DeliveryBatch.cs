namespace SignalRTicker.Server.Delivery;

/// <summary>
/// Messages published together (one tick of the simulator, one publisher's batch): disposed, they are delivered as
/// one, so each connection gets them in one frame. See <see cref="QuoteDelivery.BeginBatch"/>.
/// </summary>
public sealed class DeliveryBatch : IDisposable
{
    internal static readonly DeliveryBatch Nested = new(null);

    private readonly QuoteDelivery? _delivery;
    private List<OutgoingMessage>? _messages;

    internal DeliveryBatch(QuoteDelivery? delivery)
    {
        _delivery = delivery;
        _messages = delivery is null ? null : [];
    }

    internal void Add(OutgoingMessage message) => _messages?.Add(message);

    public void Dispose()
    {
        if (_delivery is not null && Interlocked.Exchange(ref _messages, null) is { } messages)
        {
            _delivery.EndBatch(this, messages);
        }
    }
}
