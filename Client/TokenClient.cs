using System.Net;
using System.Net.Http.Json;
using SignalRTicker.Contracts;

namespace SignalRTicker.Client;

/// <summary>
/// Exchanges an API key for a bearer token at <c>POST /api/auth/token</c> and hands out the cached token until it is
/// due for refresh (<see cref="AccessToken.RefreshAt"/>). Thread-safe: concurrent callers share one request.
/// <see cref="TickerConnection"/> uses one; use it directly to call the HTTP API or to open connections of your own.
/// </summary>
public sealed class TokenClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _tokenUrl;
    private readonly string _apiKey;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _current;

    /// <param name="http">Sends the requests; not disposed here. One for the life of the process, or from <c>IHttpClientFactory</c>.</param>
    /// <param name="serverUrl">The server's base address, such as <c>http://localhost:5080</c>.</param>
    /// <param name="apiKey">The API key; never printed.</param>
    /// <param name="timeProvider">The clock that decides when a token is due for refresh; the system clock by default.</param>
    public TokenClient(HttpClient http, Uri serverUrl, string apiKey, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ServerAddress.Validate(serverUrl, nameof(serverUrl));
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _http = http;
        _tokenUrl = new Uri(ServerAddress.Normalize(serverUrl), "api/auth/token");
        _apiKey = apiKey;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Raised after every token the server issues, on the thread that asked for it.</summary>
    public event Action<AccessToken>? TokenIssued;

    /// <summary>The last token issued, or null before the first and after <see cref="Invalidate"/>.</summary>
    public AccessToken? Current => Volatile.Read(ref _current);

    /// <summary>The cached token while it is fresh; otherwise a new one from the server.</summary>
    /// <exception cref="TickerClientException">The server refused the key (<see cref="TickerFailure.Authentication"/>): retrying will not help.</exception>
    /// <exception cref="RateLimitedException">The server answered 429; its <see cref="RateLimitedException.RetryAfter"/> says when to ask again.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached, or failed (5xx): worth retrying later.</exception>
    public async Task<AccessToken> GetAsync(CancellationToken cancellationToken)
    {
        if (Current is { } fresh && _time.GetUtcNow() < fresh.RefreshAt)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current is { } other && _time.GetUtcNow() < other.RefreshAt)
            {
                return other;
            }

            return await RequestAsync(cancellationToken).ConfigureAwait(false);
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
        using var response = await _http.PostAsJsonAsync(_tokenUrl, new TokenRequest(_apiKey), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
        {
            var problem = await ProblemText.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            throw new TickerClientException(TickerFailure.Authentication,
                $"The server refused the API key ({(int)response.StatusCode} {response.ReasonPhrase}): {problem}");
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var problem = await ProblemText.ReadAsync(response, cancellationToken).ConfigureAwait(false);
            throw new RateLimitedException(RetryAfter(response), $"The server is rate-limiting token requests: {problem}");
        }

        // Anything else that failed (5xx, a proxy's error page) may pass: the caller retries.
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false)
            ?? throw new HttpRequestException("The token endpoint returned an empty body.");
        var token = AccessToken.Issued(body, issuedAt);
        Volatile.Write(ref _current, token);
        TokenIssued?.Invoke(token);
        return token;
    }

    /// <summary><c>Retry-After</c> as seconds or as a date (RFC 9110); null when absent.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > _time.GetUtcNow() ? date - _time.GetUtcNow() : TimeSpan.Zero,
        _ => null,
    };

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
