namespace SignalRTicker.Client;

/// <summary>A change of a <see cref="TickerConnection"/>'s state, and while reconnecting, what happens next and why.</summary>
/// <param name="State">The new state.</param>
public sealed record TickerConnectionStatus(TickerConnectionState State)
{
    /// <summary>
    /// While <see cref="TickerConnectionState.Reconnecting"/> after a failure: which retry comes next, counting from 1
    /// (the first attempt is not a retry). 0 otherwise, and while <see cref="RateLimited"/>, which does not count.
    /// </summary>
    public int Retry { get; init; }

    /// <summary>The most retries allowed (<see cref="TickerConnectionOptions.MaxRetries"/>); null retries forever.</summary>
    public int? MaxRetries { get; init; }

    /// <summary>How long until the next attempt, while <see cref="TickerConnectionState.Reconnecting"/>.</summary>
    public TimeSpan? RetryIn { get; init; }

    /// <summary>Why the last attempt failed or the connection closed, in one line.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// The server answered 429 and <see cref="RetryIn"/> is the wait it asked for (its <c>Retry-After</c>), not a backoff
    /// of the client's own.
    /// </summary>
    public bool RateLimited { get; init; }
}
