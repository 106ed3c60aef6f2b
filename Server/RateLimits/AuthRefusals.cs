using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Errors;

namespace SignalRTicker.Server.RateLimits;

/// <summary>
/// Every refused authentication goes through here: logged at Warning with the reason and client IP (never the
/// credential; a flood from one IP is summarised, see <see cref="RefusalLog"/>), counted in the
/// <c>signalrticker.auth.refused</c> metric, and charged to one of the client IP's two failure budgets.
/// </summary>
/// <remarks>
/// An API key can be guessed (a configured one may be weak), so once an IP has used up its key budget, key
/// exchanges from it are refused before the key is checked. A bearer token or ticket cannot be guessed, so its budget
/// only refuses further failing or missing credentials (429 instead of 401); a request whose credential validates
/// always passes, and one person's typos do not lock out everyone behind the same NAT address.
/// </remarks>
public sealed class AuthRefusals : IDisposable
{
    public const string MeterName = "SignalRTicker.Auth";
    public const string RefusedCounterName = "signalrticker.auth.refused";
    private const string LogKind = "refused authentications";

    private readonly Counter<long> _refused;
    private readonly PartitionedRateLimiter<string> _keyFailures;
    private readonly PartitionedRateLimiter<string> _bearerFailures;
    private readonly RefusalLog _log;
    private readonly ILogger<AuthRefusals> _logger;

    public AuthRefusals(IMeterFactory meters, IOptions<RateLimitOptions> options, RefusalLog log, ILogger<AuthRefusals> logger)
    {
        _log = log;
        _logger = logger;
        _refused = meters.Create(MeterName).CreateCounter<long>(RefusedCounterName, description: "Refused authentications, by reason");
        var limit = options.Value.FailedAuthPerMinute;
        _keyFailures = Budget(limit);
        _bearerFailures = Budget(limit);
    }

    public static string ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>An API key exchange refused (unknown or revoked key): logged, counted, charged to the IP's key budget.</summary>
    public void RefuseApiKey(HttpContext http, string reason)
    {
        Record(http, reason);
        _keyFailures.AttemptAcquire(ClientIp(http), 1).Dispose();
    }

    /// <summary>A failed lease (with Retry-After metadata) when this IP has used up its key budget for now.</summary>
    public RateLimitLease CheckApiKeys(HttpContext http) => _keyFailures.AttemptAcquire(ClientIp(http), 0);

    /// <summary>
    /// A bearer credential refused, or missing (<paramref name="presented"/> false: not charged). Returns the budget's
    /// lease: not acquired when this IP is over its budget, and the refusal should be a 429.
    /// </summary>
    public RateLimitLease RefuseBearer(HttpContext http, string reason, bool presented)
    {
        Record(http, reason);
        return _bearerFailures.AttemptAcquire(ClientIp(http), presented ? 1 : 0);
    }

    public void Dispose()
    {
        _keyFailures.Dispose();
        _bearerFailures.Dispose();
    }

    private void Record(HttpContext http, string reason)
    {
        var ip = ClientIp(http);
        if (_log.ShouldLog(LogKind, ip))
        {
            RateLimitLog.AuthRefused(_logger, ip, http.Request.Path, reason);
        }

        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
    }

    private static PartitionedRateLimiter<string> Budget(int perMinute) =>
        PartitionedRateLimiter.Create<string, string>(ip => RateLimitPartition.GetFixedWindowLimiter(ip, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
}
