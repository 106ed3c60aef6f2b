using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SignalRTicker.Client;
using SignalRTicker.Contracts;

namespace SignalRTicker.Bench;

/// <summary>The HTTP calls the bench makes besides the hub, each with a token of <paramref name="tokens"/>' key.</summary>
internal sealed class GatewayApi(HttpClient http, Uri baseUrl, TokenClient tokens)
{
    /// <summary><c>GET /api/symbols</c>: the instruments the key may see, in symbol order.</summary>
    public async Task<InstrumentInfo[]> InstrumentsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/symbols", null, cancellationToken);
        await EnsureAsync(response, "GET /api/symbols", cancellationToken);
        var instruments = await response.Content.ReadFromJsonAsync<InstrumentInfo[]>(RawHubConnection.Json, cancellationToken) ?? [];
        return [.. instruments.OrderBy(i => i.Symbol, StringComparer.Ordinal)];
    }

    /// <summary><c>POST /api/admin/symbols</c> for a published instrument (admin key); true when made, false when it existed.</summary>
    public async Task<bool> AddPublishedAsync(string symbol, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/admin/symbols",
            JsonContent.Create(new CreateInstrumentRequest(symbol, InstrumentSources.Published), options: RawHubConnection.Json), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }

        await EnsureAsync(response, $"POST /api/admin/symbols ({symbol})", cancellationToken);
        return true;
    }

    /// <summary><c>POST /api/quotes</c> (publisher or admin key).</summary>
    public async Task<PublishResult> PublishAsync(IReadOnlyList<QuoteInput> quotes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/quotes", JsonContent.Create(quotes, options: RawHubConnection.Json), cancellationToken);
        await EnsureAsync(response, "POST /api/quotes", cancellationToken);
        return await response.Content.ReadFromJsonAsync<PublishResult>(RawHubConnection.Json, cancellationToken)
            ?? throw new HttpRequestException("POST /api/quotes answered with an empty body.");
    }

    /// <summary>The Prometheus text at <c>/metrics</c> (an admin token outside Development); null when it is not served to this key.</summary>
    public async Task<string?> MetricsAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "metrics", null, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }

        await EnsureAsync(response, "GET /metrics", cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken);
        using var request = new HttpRequestMessage(method, new Uri(baseUrl, path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{call} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }
}
