using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>The HTTP API calls a <see cref="TickerConnection"/> offers, made with its tokens.</summary>
internal sealed class TickerApi(HttpClient http, Uri baseAddress, TokenClient tokens)
{
    /// <summary><c>GET /api/symbols</c>.</summary>
    public Task<InstrumentInfo[]> GetInstrumentsAsync(CancellationToken cancellationToken) =>
        GetAsync<InstrumentInfo[]>("api/symbols", cancellationToken);

    /// <summary><c>GET /api/symbols/{symbol}/history?since=&amp;limit=</c>; a <c>/</c> in the symbol travels as <c>%2F</c>.</summary>
    public Task<Quote[]> GetHistoryAsync(string symbol, long since, int? limit, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"api/symbols/{Uri.EscapeDataString(symbol.Trim())}/history?since={since}");
        if (limit is { } most)
        {
            path += string.Create(CultureInfo.InvariantCulture, $"&limit={most}");
        }

        return GetAsync<Quote[]>(path, cancellationToken);
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        var url = new Uri(baseAddress, path);
        for (var attempt = 1; ; attempt++)
        {
            var token = await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
            {
                // A token the server no longer accepts (it restarted with a new signing key, or it expired on the way): one more try with a new one.
                tokens.Invalidate();
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var problem = await ProblemText.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                throw new HttpRequestException(HttpRequestError.Unknown,
                    $"GET /{path} was refused ({(int)response.StatusCode} {response.ReasonPhrase}): {problem}", statusCode: response.StatusCode);
            }

            return await response.Content.ReadFromJsonAsync<T>(cancellationToken).ConfigureAwait(false)
                ?? throw new HttpRequestException($"GET /{path} returned an empty body.");
        }
    }
}
