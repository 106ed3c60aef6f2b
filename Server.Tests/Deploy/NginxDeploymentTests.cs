using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Tests.Cluster;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Page;

namespace SignalRTicker.Server.Tests.Deploy;

/// <summary>
/// deploy/nginx.conf as shipped, with only the lines an operator edits changed (node addresses, listen ports,
/// certificate paths), in front of two nodes of a cluster: the official client gets a token over https and quotes over
/// wss, plain http is redirected, and the nodes see the client's own address through X-Forwarded-For.
/// </summary>
[Collection(ClusterSerial.Name)]
public sealed partial class NginxDeploymentTests : IAsyncLifetime
{
    /// <summary>A loopback address of the client's own, so the address nginx forwards is not the one it connects from.</summary>
    private static readonly IPAddress ClientAddress = IPAddress.Parse("127.0.0.2");

    private readonly ClusterNodes _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [ServerFact(Needs.Redis | Needs.Postgres | Needs.Nginx)]
    public async Task ShippedConfiguration_TerminatesTls_ProxiesWebSockets_AndForwardsTheClientAddress()
    {
        var proxy = new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" };
        var nodes = new[] { _cluster.Start(proxy), _cluster.Start(proxy) };
        var redirectPort = FreePort.Next();
        using var certificate = TestCertificate.Create();
        await using var nginx = await NginxServer.StartAsync(Render(nodes.Select(n => n.BaseAddress).ToList(), redirectPort), [], certificate).DefaultTimeout();
        using var https = new HttpClient(FromClientAddress(certificate.CreateHandler())) { BaseAddress = nginx.BaseAddress };

        // A token over https, recorded with the client's address, not nginx's.
        using var issued = await https.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.AdminKey }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var admin = (await issued.Content.ReadFromJsonAsync<TokenResponse>())!;
        https.DefaultRequestHeaders.Authorization = new("Bearer", admin.AccessToken);
        var tokens = await https.GetFromJsonAsync<TokenSummary[]>($"/api/admin/keys/{admin.UserId}/tokens").DefaultTimeout();
        Assert.Equal(ClientAddress.ToString(), Assert.Single(tokens!).ClientIp);

        // Quotes over wss, negotiated first (so the sticky upstream matters).
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(nginx.BaseAddress, "hubs/ticker"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(admin.AccessToken);
                options.Transports = HttpTransportType.WebSockets;
                certificate.TrustIn(options);
            })
            .Build();
        var quotes = new QuoteRecorder(connection);
        await connection.StartAsync().DefaultTimeout();
        await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        Assert.Equal("BTC-USD", (await quotes.NextAsync()).Symbol);

        // Metrics are not for the public side; plain http only redirects.
        using var metrics = await https.GetAsync("/metrics").DefaultTimeout();
        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        using var plain = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var redirected = await plain.GetAsync($"http://127.0.0.1:{redirectPort}/api/symbols").DefaultTimeout();
        Assert.Equal(HttpStatusCode.MovedPermanently, redirected.StatusCode);
        Assert.Equal("https", redirected.Headers.Location?.Scheme);
    }

    /// <summary>
    /// deploy/nginx.conf with the example nodes, ports and certificate paths replaced; each replacement must match, so
    /// a change to the file that moves those lines fails here instead of testing something else.
    /// </summary>
    private static string Render(List<Uri> nodes, int redirectPort)
    {
        var site = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx.conf"));
        var examples = ExampleNode().Matches(site);
        Assert.Equal(nodes.Count, examples.Count);
        for (var i = 0; i < nodes.Count; i++)
        {
            site = site.Replace(examples[i].Value, nodes[i].Authority, StringComparison.Ordinal);
        }

        return Replace(Replace(Replace(Replace(site,
            "listen 443 ssl;", "listen {{listen}} ssl;"),
            "listen 80;", $"listen 127.0.0.1:{redirectPort.ToString(CultureInfo.InvariantCulture)};"),
            "/etc/letsencrypt/live/ticker.example.com/fullchain.pem", "{{certificate}}"),
            "/etc/letsencrypt/live/ticker.example.com/privkey.pem", "{{certificate_key}}");
    }

    private static string Replace(string site, string example, string replacement)
    {
        Assert.True(site.Contains(example, StringComparison.Ordinal), $"deploy/nginx.conf no longer has `{example}`");
        return site.Replace(example, replacement, StringComparison.Ordinal);
    }

    /// <summary>Connects from <see cref="ClientAddress"/> instead of the default 127.0.0.1.</summary>
    private static SocketsHttpHandler FromClientAddress(SocketsHttpHandler handler)
    {
        handler.ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(ClientAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
        return handler;
    }

    [GeneratedRegex(@"10\.0\.0\.1\d:5000")]
    private static partial Regex ExampleNode();
}
