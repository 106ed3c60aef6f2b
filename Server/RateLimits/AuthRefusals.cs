using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SignalRTicker.Server.RateLimits;

/// <summary>
/// Every refused authentication goes through here: logged once at Warning with the reason and client IP (never the
/// credential), counted in the <c>signalrticker.auth.refused</c> metric, and charged to the client IP's failure budget.
/// </summary>
public sealed class AuthRefusals : IDisposable
{
    public const string MeterName = "SignalRTicker.Auth";
    public const string RefusedCounterName = "signalrticker.auth.refused";

    private readonly Counter<long> _refused;
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly ILogger<AuthRefusals> _logger;

    public AuthRefusals(IMeterFactory meters, IOptions<RateLimitOptions> options, ILogger<AuthRefusals> logger)
    {
        _logger = logger;
        _refused = meters.Create(MeterName).CreateCounter<long>(RefusedCounterName, description: "Refused authentications, by reason");
        var limit = options.Value.FailedAuthPerMinute;
        _failures = PartitionedRateLimiter.Create<string, string>(ip => RateLimitPartition.GetFixedWindowLimiter(ip, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    public static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Logs, counts and charges one refusal. <paramref name="charge"/> is false when no credential was presented.</summary>
    public void Refuse(HttpContext http, string reason, bool charge = true)
    {
        var ip = ClientIp(http);
        RateLimitLog.AuthRefused(_logger, ip, http.Request.Path, reason);
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (charge)
        {
            _failures.AttemptAcquire(ip, 1).Dispose();
        }
    }

    /// <summary>A failed lease (with Retry-After metadata) when this IP has used up its failures for now.</summary>
    public RateLimitLease Check(HttpContext http) => _failures.AttemptAcquire(ClientIp(http), 0);

    public void Dispose() => _failures.Dispose();
}
