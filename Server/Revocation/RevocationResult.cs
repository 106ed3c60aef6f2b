namespace SignalRTicker.Server.Revocation;

/// <summary>How a revocation ended.</summary>
public enum RevocationResult
{
    /// <summary>In effect and recorded in the database: it survives a restart.</summary>
    Recorded,

    /// <summary>In effect on every node now, but not recorded yet: the sweep retries the write; a restart before then forgets it.</summary>
    NotRecorded,

    /// <summary>There is no such key.</summary>
    NotFound,
}
