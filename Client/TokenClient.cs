using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SignalRTicker.Client;

/// <summary>A token from <c>POST /api/auth/token</c>, and when to get the next one.</summary>
public sealed record AccessToken(string Value, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>A quarter of the lifetime before expiry, at most a minute: early enough to ride out a slow request.</summary>
    public DateTimeOffset RefreshAt => ExpiresAt - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, (ExpiresAt - IssuedAt).Ticks / 4));

    public override string ToString() => $"AccessToken {{ IssuedAt = {IssuedAt:O}, ExpiresAt = {ExpiresAt:O} }}";
}

/// <summary>
/// Exchanges the API key for a bearer token and hands out the cached token until shortly before it expires.
/// Thread-safe: concurrent callers share one request.
/// </summary>
public sealed class TokenClient(HttpClient http, Uri serverUrl, string apiKey, TimeProvider? timeProvider = null) : IDisposable
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _current;

    /// <summary>Raised after every token the server issues.</summary>
    public event Action<AccessToken>? TokenIssued;

    public AccessToken? Current => Volatile.Read(ref _current);

    /// <summary>The cached token while it is fresh; otherwise a new one.</summary>
    public async Task<AccessToken> GetAsync(CancellationToken cancellationToken)
    {
        if (Current is { } fresh && _time.GetUtcNow() < fresh.RefreshAt)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Current is { } other && _time.GetUtcNow() < other.RefreshAt)
            {
                return other;
            }

            return await RequestAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the cached token, for when the server has rejected it (for example, it restarted with a new signing key).</summary>
    public void Invalidate() => Volatile.Write(ref _current, null);

    private async Task<AccessToken> RequestAsync(CancellationToken cancellationToken)
    {
        var issuedAt = _time.GetUtcNow();
        using var response = await http.PostAsJsonAsync(new Uri(serverUrl, "api/auth/token"), new { apiKey }, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            throw new TickerClientException(TickerFailure.Authentication,
                $"The server refused the API key ({(int)response.StatusCode} {response.ReasonPhrase}): {problem}");
        }

        // Anything else that failed (429, 5xx, a proxy's error page) may pass: the caller retries.
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
            ?? throw new HttpRequestException("The token endpoint returned an empty body.");
        var token = new AccessToken(body.AccessToken, issuedAt, issuedAt + TimeSpan.FromSeconds(body.ExpiresIn));
        Volatile.Write(ref _current, token);
        TokenIssued?.Invoke(token);
        return token;
    }

    private static async Task<string> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemResponse>(cancellationToken);
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

    public void Dispose() => _gate.Dispose();

    private sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn);

    private sealed record ProblemResponse(string? Title, string? Detail);
}
