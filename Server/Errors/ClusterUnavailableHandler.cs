using Microsoft.AspNetCore.Diagnostics;

namespace SignalRTicker.Server.Errors;

/// <summary>
/// A request that needed the cluster's shared store while it was unreachable is a 503 with <c>Retry-After</c>: the
/// node serves what it can without it and recovers by itself when it returns.
/// </summary>
internal sealed class ClusterUnavailableHandler(IProblemDetailsService problems, RefusalLog refusals, ILogger<ClusterUnavailableHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ClusterUnavailableException unavailable)
        {
            return false;
        }

        if (refusals.ShouldLog("cluster store failures", "the cluster store"))
        {
            ErrorsLog.ClusterUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, unavailable.Message);
        }

        var seconds = (int)ClusterUnavailableException.RetryAfter.TotalSeconds;
        return await RetryLater.WriteUnavailableAsync(problems, httpContext, seconds, "Cluster store unavailable", $"{unavailable.Message} Retry after {seconds} s.");
    }
}
