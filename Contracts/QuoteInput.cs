namespace SignalRTicker.Contracts;

/// <summary>
/// A price a publisher pushes (<c>POST /api/quotes</c> or the hub's <c>Publish</c>). The gateway assigns the
/// sequence and the change; <see cref="Timestamp"/> is kept as sent (the gateway's clock when omitted).
/// </summary>
public sealed record QuoteInput(string Symbol, decimal Price, decimal? Bid = null, decimal? Ask = null, DateTimeOffset? Timestamp = null);
