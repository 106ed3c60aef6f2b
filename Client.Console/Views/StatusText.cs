using System.Globalization;
using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>A connection's state in words, the same in the table and on stderr.</summary>
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
}
