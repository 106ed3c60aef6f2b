using System.Net;
using System.Threading.Channels;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>Passes requests on to the network and records each answer's status and <c>Retry-After</c>.</summary>
public sealed class ResponseRecorder() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Channel<(HttpStatusCode Status, TimeSpan? RetryAfter)> _answers = Channel.CreateUnbounded<(HttpStatusCode, TimeSpan?)>();

    /// <summary>The next answer, in the order they came.</summary>
    public async Task<(HttpStatusCode Status, TimeSpan? RetryAfter)> NextAsync() =>
        await _answers.Reader.ReadAsync().AsTask().DefaultTimeout();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _answers.Writer.TryWrite((response.StatusCode, response.Headers.RetryAfter?.Delta));
        return response;
    }
}
