using System.Net.Http.Json;
using System.Text.Json;

namespace SignalRTicker.Client;

/// <summary>The one line a refused request's problem document (RFC 9457) gives a person: its detail, else its title.</summary>
internal static class ProblemText
{
    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<Problem>(cancellationToken).ConfigureAwait(false);
            var text = problem?.Detail ?? problem?.Title;
            return string.IsNullOrWhiteSpace(text) ? "no details given" : text.ReplaceLineEndings(" ");
        }
        catch (JsonException)
        {
            return "the response was not a problem document";
        }
        catch (NotSupportedException)
        {
            return $"the response was {response.Content.Headers.ContentType?.MediaType ?? "empty"}";
        }
    }

    private sealed record Problem(string? Title, string? Detail);
}
