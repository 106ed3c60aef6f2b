namespace SignalRTicker.Contracts;

/// <summary>
/// The answer to <c>RefreshToken</c>: when the connection now closes, the symbols the key may see, and the
/// subscriptions the refresh ended because the key may no longer see them.
/// </summary>
public sealed record RefreshResult(DateTimeOffset ExpiresAt, string[] Symbols, string[] Removed);
