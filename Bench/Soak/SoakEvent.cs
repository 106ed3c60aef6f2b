namespace SignalRTicker.Bench.Soak;

/// <summary>What a soak counts, per interval.</summary>
public enum SoakEvent
{
    /// <summary>Live quotes received.</summary>
    Deliveries,

    /// <summary>Quotes that did not follow the previous one of their symbol on their connection: a quote was lost.</summary>
    Gaps,

    /// <summary>In-band token renewals (<c>RefreshToken</c>) the hub accepted.</summary>
    Refreshes,

    /// <summary>Planned drops: a socket aborted by the soak, to resume.</summary>
    Drops,

    /// <summary>Resumes whose every symbol was recovered (every missed quote returned).</summary>
    ResumesRecovered,

    /// <summary>Resumes with a symbol the server no longer held enough history for.</summary>
    ResumesNotRecovered,

    /// <summary>Quotes returned by resumes, missed while dropped.</summary>
    QuotesRecovered,

    /// <summary>Connections the server closed, or whose socket failed, without the soak asking.</summary>
    UnplannedDisconnects,

    /// <summary>Anything that went wrong: a refused refresh, a failed connect or resume, a refused publish, an unexpected record.</summary>
    Errors,

    /// <summary>Dashboard quotes the gateway accepted from the soak's publisher.</summary>
    Published,
}
