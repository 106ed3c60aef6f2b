using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRTicker.Server.Tests.Fixtures;

public sealed class NginxServerTests
{
    [ServerTheory(Needs.Nginx)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReverseProxy_ReachesEveryUpstream_WithForwardedHeaders(bool tls)
    {
        await using var first = await EchoServer.StartAsync("first").DefaultTimeout();
        await using var second = await EchoServer.StartAsync("second").DefaultTimeout();
        using var certificate = tls ? TestCertificate.Create() : null;
        await using var nginx = await NginxServer.StartAsync(
            NginxSite.ReverseProxy(tls), [first.BaseAddress, second.BaseAddress], certificate).DefaultTimeout();
        using var client = new HttpClient(certificate?.CreateHandler() ?? new SocketsHttpHandler()) { BaseAddress = nginx.BaseAddress };

        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await client.GetStringAsync("/").DefaultTimeout());
        }

        Assert.Equal(["first", "second"], answers.Distinct().Order());
        Assert.Equal(tls ? "https" : "http", await client.GetStringAsync("/headers/X-Forwarded-Proto").DefaultTimeout());
        Assert.Equal("127.0.0.1", await client.GetStringAsync("/headers/X-Forwarded-For").DefaultTimeout());
    }

    [ServerFact(Needs.Nginx)]
    public async Task Tls_IsTrustedWithItsOwnCertificate_AndNotWithAnother()
    {
        await using var upstream = await EchoServer.StartAsync("upstream").DefaultTimeout();
        using var certificate = TestCertificate.Create();
        using var another = TestCertificate.Create();
        await using var nginx = await NginxServer.StartAsync(NginxSite.ReverseProxy(tls: true), [upstream.BaseAddress], certificate).DefaultTimeout();
        using var trusting = new HttpClient(certificate.CreateHandler());
        using var distrusting = new HttpClient(another.CreateHandler());

        Assert.Equal("upstream", await trusting.GetStringAsync(nginx.BaseAddress).DefaultTimeout());
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => distrusting.GetStringAsync(nginx.BaseAddress)).DefaultTimeout();
        Assert.IsType<AuthenticationException>(refused.InnerException);
        // The callback the SignalR client's WebSockets use judges the same way.
        Assert.True(certificate.Validate(this, certificate.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(another.Validate(this, certificate.Certificate, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(certificate.Validate(this, certificate.Certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch));
    }

    [ServerTheory(Needs.Nginx)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReverseProxy_UpgradesWebSockets(bool tls)
    {
        await using var upstream = await EchoServer.StartAsync("upstream").DefaultTimeout();
        using var certificate = tls ? TestCertificate.Create() : null;
        await using var nginx = await NginxServer.StartAsync(NginxSite.ReverseProxy(tls), [upstream.BaseAddress], certificate).DefaultTimeout();
        using var invoker = new HttpMessageInvoker(certificate?.CreateHandler() ?? new SocketsHttpHandler());
        using var socket = new ClientWebSocket();
        var echo = new UriBuilder(new Uri(nginx.BaseAddress, "echo")) { Scheme = tls ? "wss" : "ws" }.Uri;

        await socket.ConnectAsync(echo, invoker, CancellationToken.None).DefaultTimeout();
        await socket.SendAsync("hello through nginx"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).DefaultTimeout();
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();

        Assert.Equal("hello through nginx", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).DefaultTimeout();
    }

    [ServerFact(Needs.Nginx)]
    public async Task ReverseProxy_CarriesTheSignalRClient_OverWebSocketsWithTls()
    {
        await using var upstream = await EchoServer.StartAsync("upstream").DefaultTimeout();
        using var certificate = TestCertificate.Create();
        await using var nginx = await NginxServer.StartAsync(NginxSite.ReverseProxy(tls: true), [upstream.BaseAddress], certificate).DefaultTimeout();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(nginx.BaseAddress, "hub"), HttpTransportType.WebSockets, certificate.TrustIn)
            .Build();

        await connection.StartAsync().DefaultTimeout();

        Assert.Equal("hello", await connection.InvokeAsync<string>(nameof(EchoHub.Echo), "hello").DefaultTimeout());
    }

    [ServerFact(Needs.Nginx)]
    public async Task StartFailure_ReportsNginxsOwnError()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => NginxServer.StartAsync("no_such_directive on;", [])).DefaultTimeout();

        Assert.Contains("unknown directive \"no_such_directive\"", failure.Message, StringComparison.Ordinal);
    }

    [ServerFact(Needs.Nginx)]
    public async Task Dispose_EndsMasterAndWorker_AndDeletesItsFolder()
    {
        await using var upstream = await EchoServer.StartAsync("upstream").DefaultTimeout();
        var nginx = await NginxServer.StartAsync(NginxSite.ReverseProxy(tls: false), [upstream.BaseAddress]).DefaultTimeout();
        var master = nginx.ProcessId;
        var workers = ProcessTable.ChildrenOf(master);
        var folder = nginx.Folder;
        Assert.NotEmpty(workers);

        await nginx.DisposeAsync().DefaultTimeout();

        Assert.True(ProcessTable.IsGone(master));
        Assert.All(workers, worker => Assert.True(ProcessTable.IsGone(worker), $"nginx worker {worker} outlived the fixture"));
        Assert.False(Directory.Exists(folder));
    }
}
