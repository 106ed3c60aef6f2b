namespace SignalRTicker.Server.Feeds.Coinbase;

/// <summary>
/// A message of Coinbase Exchange's WebSocket feed, with the fields the gateway reads. Every message has a
/// <c>type</c>: <c>ticker</c> (prices as strings, <c>time</c> in ISO 8601, a numeric <c>sequence</c>),
/// <c>heartbeat</c>, <c>subscriptions</c> (the confirmation, listing <c>channels</c>) or <c>error</c>
/// (<c>message</c> and <c>reason</c>); the venue may add types at any time.
/// </summary>
public sealed record CoinbaseMessage(
    string? Type,
    string? ProductId = null,
    decimal? Price = null,
    decimal? BestBid = null,
    decimal? BestAsk = null,
    DateTimeOffset? Time = null,
    long? Sequence = null,
    string? Message = null,
    string? Reason = null,
    CoinbaseChannel[]? Channels = null);
