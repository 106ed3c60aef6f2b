namespace SignalRTicker.Server.Feeds.Coinbase;

/// <summary>One channel of a <c>subscriptions</c> confirmation: its name and the products it carries.</summary>
public sealed record CoinbaseChannel(string? Name, string[]? ProductIds);
