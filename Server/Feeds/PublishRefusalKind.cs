namespace SignalRTicker.Server.Feeds;

public enum PublishRefusalKind
{
    /// <summary>A malformed batch or item (400).</summary>
    Invalid,

    /// <summary>A role that may not publish, or a symbol the key is not entitled to (403).</summary>
    Forbidden,

    /// <summary>A symbol that is not an instrument (404).</summary>
    UnknownSymbol,

    /// <summary>An instrument whose prices come from elsewhere (409).</summary>
    NotPublished,
}
