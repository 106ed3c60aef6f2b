namespace SignalRTicker.Contracts;

/// <summary>The errors the server gives in a hub close message that invites the client to reconnect.</summary>
public static class CloseReasons
{
    /// <summary>
    /// The node is shutting down (a restart or a scale-in): connect again at once; another node, or this one once it
    /// is back, takes the connection, and resuming from the last sequences loses nothing.
    /// </summary>
    public const string ServerShuttingDown = "server shutting down";
}
