using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace SignalRTicker.Server.Errors;

/// <summary>
/// A refusal the client should repeat later (429, 503): the <c>Retry-After</c> header and a problem, set together so
/// the header is never forgotten on one of them.
/// </summary>
internal static class RetryLater
{
    /// <summary>Sets <c>Retry-After</c> and returns the problem, for an endpoint.</summary>
    public static ProblemHttpResult Problem(HttpContext http, int statusCode, int seconds, string title, string detail)
    {
        SetHeader(http, seconds);
        return TypedResults.Problem(statusCode: statusCode, title: title, detail: detail);
    }

    /// <summary>Sets <c>Retry-After</c> and writes a 503 problem, for an exception handler.</summary>
    public static ValueTask<bool> WriteUnavailableAsync(IProblemDetailsService problems, HttpContext http, int seconds, string title, string detail)
    {
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        SetHeader(http, seconds);
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
        });
    }

    private static void SetHeader(HttpContext http, int seconds) =>
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
}
