using System.Net;

namespace SignalRTicker.Client;

/// <summary>
/// The server answered 429 Too Many Requests. <see cref="RetryAfter"/> is how long it asked the client to wait (its
/// <c>Retry-After</c> header), or null when it did not say. <see cref="TickerConnection"/> waits exactly that long
/// before trying again, and does not count the attempt against <see cref="TickerConnectionOptions.MaxRetries"/>.
/// </summary>
public sealed class RateLimitedException : HttpRequestException
{
    /// <summary>A 429 answer with the server's wait and its explanation.</summary>
    public RateLimitedException(TimeSpan? retryAfter, string message)
        : base(HttpRequestError.Unknown, message, inner: null, HttpStatusCode.TooManyRequests) => RetryAfter = retryAfter;

    /// <summary>A 429 answer that did not say how long to wait.</summary>
    public RateLimitedException()
        : this(null, "The server is rate-limiting this client.")
    {
    }

    /// <summary>A 429 answer that did not say how long to wait.</summary>
    public RateLimitedException(string message)
        : this(null, message)
    {
    }

    /// <summary>A 429 answer that did not say how long to wait.</summary>
    public RateLimitedException(string message, Exception innerException)
        : base(message, innerException, HttpStatusCode.TooManyRequests)
    {
    }

    /// <summary>How long the server asked the client to wait before the next request; null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; }
}
