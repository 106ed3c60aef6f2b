namespace SignalRTicker.Contracts;

/// <summary>The reasons the server gives in <see cref="ITickerClient.Unsubscribed"/>.</summary>
public static class UnsubscribedReasons
{
    /// <summary>The instrument was removed.</summary>
    public const string InstrumentRemoved = "instrument removed";

    /// <summary>The key may no longer see the symbol.</summary>
    public const string EntitlementRemoved = "entitlement removed";
}
