namespace SignalRTicker.Server.Errors;

/// <summary>
/// Work that needs the cluster's shared store (sequencing a published quote, issuing or redeeming a ticket) could not
/// reach it. The message says what could not be done, for the caller; it is answered as a 503 with Retry-After, or a
/// HubException, never a 500.
/// </summary>
public sealed class ClusterUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>How long a caller should wait before trying again: the store usually returns within seconds.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
}
