using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace SignalRTicker.Server.Errors;

/// <summary>
/// A request the database could not serve (read-only, full, locked, gone) is a 503 with <c>Retry-After</c>: the node
/// is unhealthy for now and the caller should retry, not a bug to report. Logged, without the flood: see
/// <see cref="RefusalLog"/>.
/// </summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, RefusalLog refusals, ILogger<DatabaseUnavailableHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (DatabaseFailure.Find(exception) is not { } failure)
        {
            return false;
        }

        if (refusals.ShouldLog("database failures", "the database"))
        {
            ErrorsLog.DatabaseUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, failure.Message);
        }

        return await RetryLater.WriteUnavailableAsync(problems, httpContext, RetryAfterSeconds, "Database unavailable",
            $"The server cannot use its database right now, so this request was not completed. Retry after {RetryAfterSeconds} s.");
    }
}
