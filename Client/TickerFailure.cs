namespace SignalRTicker.Client;

/// <summary>Why a <see cref="TickerConnection"/> stopped for good.</summary>
public enum TickerFailure
{
    /// <summary>The server refused the API key (401 or 403), or the request for a token was malformed (400).</summary>
    Authentication,

    /// <summary>The hub refused a symbol: unknown, not entitled, or over the subscription limit.</summary>
    SubscriptionRefused,

    /// <summary>Every attempt to connect failed: the first and all <see cref="TickerConnectionOptions.MaxRetries"/> retries.</summary>
    Unreachable,
}
