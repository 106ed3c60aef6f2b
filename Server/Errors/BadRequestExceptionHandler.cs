using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace SignalRTicker.Server.Errors;

/// <summary>Turns a request the framework could not read (no body, bad JSON, wrong content type) into a 4xx problem.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Request body too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
                    _ => "Bad request",
                },
                Detail = Describe(bad),
            },
        });
    }

    private static string Describe(BadHttpRequestException bad) => bad switch
    {
        { StatusCode: StatusCodes.Status415UnsupportedMediaType } => "Send the body as JSON with Content-Type: application/json.",
        { InnerException: JsonException json } => $"The body is not valid JSON for this request: {FirstSentence(json.Message)}",
        _ => bad.Message,
    };

    // JsonException messages end with the line and byte position; the first sentence and the path are what helps.
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" | ", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
