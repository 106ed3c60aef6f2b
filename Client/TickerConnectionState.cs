namespace SignalRTicker.Client;

/// <summary>Where a <see cref="TickerConnection"/> is in its life.</summary>
public enum TickerConnectionState
{
    /// <summary>Getting a token, connecting and subscribing for the first time.</summary>
    Connecting,

    /// <summary>Connected and subscribed: quotes are flowing.</summary>
    Connected,

    /// <summary>
    /// Waiting to try again, after a failed attempt or a dropped connection; <see cref="TickerConnectionStatus.RetryIn"/>
    /// says how long, and <see cref="TickerConnectionStatus.RateLimited"/> whether the server asked for the wait.
    /// </summary>
    Reconnecting,

    /// <summary>Not running: not started yet, cancelled, or failed for good.</summary>
    Stopped,
}
