using System.Globalization;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>A connection's state and notices in words, the same in the table and on stderr.</summary>
public static class StatusText
{
    public static string Describe(TickerConnectionStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.State switch
        {
            TickerConnectionState.Reconnecting when status.RateLimited => string.Create(CultureInfo.InvariantCulture,
                $"rate-limited, retrying in {Math.Ceiling(status.RetryIn?.TotalSeconds ?? 0):0} s: {status.Reason}"),
            TickerConnectionState.Reconnecting => string.Create(CultureInfo.InvariantCulture,
                $"reconnecting: retry {status.Retry}{(status.MaxRetries is { } most ? $" of {most}" : "")} in {status.RetryIn?.TotalSeconds:0.0} s: {status.Reason}"),
            TickerConnectionState.Connecting => "connecting",
            TickerConnectionState.Connected => "connected",
            _ => "stopped",
        };
    }

    public static string Describe(SymbolsUnsubscribed ended)
    {
        ArgumentNullException.ThrowIfNull(ended);
        return $"unsubscribed from {string.Join(", ", ended.Symbols)} by the server: {ended.Reason}";
    }

    public static string Describe(SymbolNotRecovered lost)
    {
        ArgumentNullException.ThrowIfNull(lost);
        return string.Create(CultureInfo.InvariantCulture,
            $"{lost.Symbol} not recovered after reconnecting: {lost.Lost} quotes lost (sequences {lost.LastSequence + 1} to {lost.ResumedAt - 1}); resumed at {lost.ResumedAt}");
    }

    public static string Describe(RefreshResult refreshed)
    {
        ArgumentNullException.ThrowIfNull(refreshed);
        return string.Create(CultureInfo.InvariantCulture,
            $"token refreshed without reconnecting; the server keeps the connection until {refreshed.ExpiresAt:O}");
    }

    public static string DescribeStale(string symbol, bool stale) =>
        stale ? $"{symbol} is stale: its upstream feed is disconnected" : $"{symbol} is live again";
}
