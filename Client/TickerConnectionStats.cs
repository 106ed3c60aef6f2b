namespace SignalRTicker.Client;

/// <summary>Counters since a <see cref="TickerConnection"/> was created.</summary>
/// <param name="QuotesReceived">Quotes raised through <see cref="TickerConnection.QuoteReceived"/>.</param>
/// <param name="Duplicates">Quotes dropped because their sequence had been seen already.</param>
/// <param name="Gaps">Jumps in a symbol's sequence: quotes truly lost, which neither the live stream nor a resume after a reconnect brought.</param>
/// <param name="MissedQuotes">How many quotes those jumps skipped, in all.</param>
/// <param name="Reconnects">Successful connections after the first.</param>
/// <param name="TokensIssued">Tokens the server issued to this connection (the first, then one before each expiry).</param>
/// <param name="RecoveredQuotes">Quotes missed while disconnected that a resume brought back from the server's history.</param>
/// <param name="NotRecovered">Times a symbol could not be resumed because the server no longer held what was missed (<see cref="TickerConnection.NotRecovered"/>).</param>
/// <param name="TokensRefreshed">Tokens handed to the live connection in band (the hub's <c>RefreshToken</c>), each one a reconnect avoided (<see cref="TickerConnection.TokenRefreshed"/>).</param>
public sealed record TickerConnectionStats(
    long QuotesReceived, long Duplicates, long Gaps, long MissedQuotes, int Reconnects, int TokensIssued, long RecoveredQuotes, long NotRecovered,
    int TokensRefreshed);
