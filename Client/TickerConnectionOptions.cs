using System.Text;
using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>Where to connect, with which key, to which symbols, and how hard to try.</summary>
/// <param name="ServerUrl">The server's base address, such as <c>http://localhost:5080</c>.</param>
/// <param name="ApiKey">The API key exchanged for short-lived tokens. Never printed.</param>
/// <param name="Symbols">The symbols to subscribe to, again after every reconnect.</param>
public sealed record TickerConnectionOptions(Uri ServerUrl, string ApiKey, IReadOnlyList<string> Symbols)
{
    /// <summary>Consecutive failed attempts allowed before giving up; <c>null</c> retries forever.</summary>
    public int? MaxRetries { get; init; }

    public TickerProtocol Protocol { get; init; } = TickerProtocol.Json;

    /// <summary>The first retry waits about this long; each later one doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The hub's path under <see cref="ServerUrl"/>.</summary>
    public string HubPath { get; init; } = HubPaths.Ticker.TrimStart('/');

    // The key is a secret: keep it out of ToString(), and so out of logs and test output.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"ServerUrl = {ServerUrl}, Symbols = [{string.Join(", ", Symbols)}], MaxRetries = {MaxRetries?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "forever"}, Protocol = {Protocol}");
        return true;
    }
}

/// <summary>The hub protocol: JSON text, or MessagePack (binary, smaller frames).</summary>
public enum TickerProtocol
{
    Json,
    MessagePack,
}
