using System.Globalization;
using System.Text;
using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>Where to connect, with which key, to which symbols, and how hard to try.</summary>
/// <param name="ServerUrl">The server's base address, such as <c>http://localhost:5080</c>.</param>
/// <param name="ApiKey">The API key exchanged for short-lived tokens. Never printed.</param>
/// <param name="Symbols">The symbols to subscribe to, again after every reconnect; none for a connection that only publishes.</param>
public sealed record TickerConnectionOptions(Uri ServerUrl, string ApiKey, IReadOnlyList<string> Symbols)
{
    /// <summary>
    /// Retries after a failed attempt to connect before giving up with <see cref="TickerFailure.Unreachable"/>: 2 means
    /// 3 attempts in all. Counted from zero again after every successful connection. A rate-limited attempt (429) waits
    /// as long as the server asks and does not count. Null (the default) retries forever.
    /// </summary>
    public int? MaxRetries { get; init; }

    /// <summary>The hub protocol; JSON by default.</summary>
    public TickerProtocol Protocol { get; init; } = TickerProtocol.Json;

    /// <summary>The first retry waits about this long; each later one doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two attempts (before jitter, which only shortens it).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The hub's path under <see cref="ServerUrl"/>.</summary>
    public string HubPath { get; init; } = HubPaths.Ticker.TrimStart('/');

    /// <summary><see cref="ServerUrl"/> ending in '/', so that relative paths are added to it rather than replace its last segment.</summary>
    internal Uri BaseAddress => ServerAddress.Normalize(ServerUrl);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that cannot work.</summary>
    internal void Validate()
    {
        ServerAddress.Validate(ServerUrl, nameof(ServerUrl));
        ArgumentException.ThrowIfNullOrWhiteSpace(ApiKey, nameof(ApiKey));
        ArgumentNullException.ThrowIfNull(Symbols, nameof(Symbols));
        if (Symbols.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A symbol is empty; name symbols such as BTC-USD (or none, to publish only).", nameof(Symbols));
        }

        if (MaxRetries is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "MaxRetries must be 0 or more, or null to retry forever.");
        }

        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialRetryDelay), InitialRetryDelay, "InitialRetryDelay must be positive and at most MaxRetryDelay.");
        }
    }

    // The key is a secret: keep it out of ToString(), and so out of logs and test output.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"ServerUrl = {ServerUrl}, Symbols = [{string.Join(", ", Symbols)}], MaxRetries = {MaxRetries?.ToString(CultureInfo.InvariantCulture) ?? "forever"}, Protocol = {Protocol}");
        return true;
    }
}
