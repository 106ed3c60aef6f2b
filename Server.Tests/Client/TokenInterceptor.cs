using System.Text;
using System.Text.Json;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// Passes requests on to the network and, for each token the server issues, runs <paramref name="onIssued"/> (with the
/// token's number, counting from 1) before the client sees the answer: a test can change the world between the
/// token's issue and its use.
/// </summary>
public sealed class TokenInterceptor(Func<int, TokenResponse, Task> onIssued) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _issued;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath == "/api/auth/token" && response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var token = JsonSerializer.Deserialize<TokenResponse>(body, JsonSerializerOptions.Web)!;
            await onIssued(Interlocked.Increment(ref _issued), token);
            // The same body again, for the client to read.
            response.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return response;
    }
}
