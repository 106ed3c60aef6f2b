using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

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

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database unavailable",
                Detail = $"The server cannot use its database right now, so this request was not completed. Retry after {RetryAfterSeconds} s.",
            },
        });
    }
}
