using System.ComponentModel.DataAnnotations;

namespace SignalRTicker.Server.RateLimits;

/// <summary>The <c>RateLimits</c> section: how much one client IP, key or connection may ask for.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>API key exchanges (POST /api/auth/token) per client IP per minute.</summary>
    [Range(1, 10_000_000, ErrorMessage = "RateLimits:TokenPerMinute must be between 1 and 10000000.")]
    public int TokenPerMinute { get; set; } = 10;

    /// <summary>
    /// Hub connection attempts (negotiate, or a connect without negotiate) per client IP per minute, allowed as one
    /// burst. High by default: one IP can be a whole office behind NAT, or a load test opening thousands at once.
    /// </summary>
    [Range(1, 10_000_000, ErrorMessage = "RateLimits:HubConnectPerMinute must be between 1 and 10000000.")]
    public int HubConnectPerMinute { get; set; } = 10_000;

    /// <summary>Refused authentications (bad API key, bad or revoked token, bad ticket) per client IP per minute before every request from it gets 429.</summary>
    [Range(1, 10_000_000, ErrorMessage = "RateLimits:FailedAuthPerMinute must be between 1 and 10000000.")]
    public int FailedAuthPerMinute { get; set; } = 20;

    /// <summary>Concurrent hub connections per API key. The demo key (Auth:DemoApiKey) is exempt.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:MaxConnectionsPerKey must be between 1 and 1000000.")]
    public int MaxConnectionsPerKey { get; set; } = 20;

    /// <summary>Hub method calls per connection per second, sustained.</summary>
    [Range(0.1, 100_000, ErrorMessage = "RateLimits:HubCallsPerSecond must be between 0.1 and 100000.")]
    public double HubCallsPerSecond { get; set; } = 10;

    /// <summary>Hub method calls a connection may make at once before <see cref="HubCallsPerSecond"/> applies.</summary>
    [Range(1, 100_000, ErrorMessage = "RateLimits:HubCallBurst must be between 1 and 100000.")]
    public int HubCallBurst { get; set; } = 20;
}
