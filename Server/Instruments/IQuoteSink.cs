namespace SignalRTicker.Server.Instruments;

/// <summary>Where quotes go once the registry has recorded them: the hub's subscribers.</summary>
public interface IQuoteSink
{
    /// <summary>Delivers quotes recorded together (one tick, one publisher's batch) as one batch. Never waits for a client.</summary>
    void Deliver(IReadOnlyList<Quote> quotes);
}
