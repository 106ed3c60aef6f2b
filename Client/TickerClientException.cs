namespace SignalRTicker.Client;

/// <summary>Why a <see cref="TickerConnection"/> stopped for good.</summary>
public enum TickerFailure
{
    /// <summary>The server refused the API key (401), or the request for a token was malformed (400).</summary>
    Authentication,

    /// <summary>The hub refused a symbol: unknown, not entitled, or over the subscription limit.</summary>
    SubscriptionRefused,

    /// <summary>The server could not be reached within the allowed retries.</summary>
    Unreachable,
}

/// <summary>A failure that retrying cannot fix. <see cref="Exception.Message"/> is one line a person can act on.</summary>
public sealed class TickerClientException : Exception
{
    public TickerClientException(TickerFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    public TickerClientException()
    {
    }

    public TickerClientException(string message)
        : base(message)
    {
    }

    public TickerClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TickerFailure Failure { get; }
}
