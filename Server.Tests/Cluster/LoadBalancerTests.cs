using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>
/// nginx in front of two nodes, as docs/architecture.md ("Load balancer") sets it up: round robin for clients that skip
/// negotiation (one WebSocket request per connection, so any node can take it), and a sticky upstream (ip_hash) for
/// clients that negotiate, whose later requests must reach the node that negotiated.
/// </summary>
[Collection(ClusterSerial.Name)]
public sealed class LoadBalancerTests : IAsyncLifetime
{
    private readonly ClusterNodes _cluster = new();

    /// <summary>The fixture's WebSocket reverse proxy, with <paramref name="balance"/> (empty: round robin; <c>ip_hash;</c>: sticky).</summary>
    public static string Site(string balance) =>
        NginxSite.ReverseProxy(tls: false).Replace("upstream ticker {", "upstream ticker {\n    " + balance, StringComparison.Ordinal);

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [ServerFact(Needs.Redis | Needs.Postgres | Needs.Nginx)]
    public async Task RoundRobin_ClientsThatSkipNegotiation_LandOnBothNodes_AndAllGetQuotes()
    {
        var nodes = new[] { _cluster.Start(), _cluster.Start() };
        await using var nginx = await NginxServer.StartAsync(Site(""), nodes.Select(node => node.BaseAddress)).DefaultTimeout();
        var token = (await nodes[0].GetTokenAsync()).AccessToken;
        var connections = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var connection = Connect(nginx, token, skipNegotiation: true);
                connections.Add(connection);
                var quotes = new QuoteRecorder(connection);
                await connection.StartAsync().DefaultTimeout();
                await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
                await quotes.NextAsync();
            }

            Assert.All(nodes, node => Assert.Equal(2, node.Services.GetRequiredService<LiveConnections>().Count));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [ServerFact(Needs.Redis | Needs.Postgres | Needs.Nginx)]
    public async Task StickyUpstream_ClientsThatNegotiate_Connect_AndGetQuotes()
    {
        var nodes = new[] { _cluster.Start(), _cluster.Start() };
        await using var nginx = await NginxServer.StartAsync(Site("ip_hash;"), nodes.Select(node => node.BaseAddress)).DefaultTimeout();
        var token = (await nodes[1].GetTokenAsync()).AccessToken;
        await using var connection = Connect(nginx, token, skipNegotiation: false);
        var quotes = new QuoteRecorder(connection);

        await connection.StartAsync().DefaultTimeout();
        Assert.Single(await connection.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ETH-USD" }).DefaultTimeout());
        Assert.Equal("ETH-USD", (await quotes.NextAsync()).Symbol);
    }

    private static HubConnection Connect(NginxServer nginx, string token, bool skipNegotiation) => new HubConnectionBuilder()
        .WithUrl(new Uri(nginx.BaseAddress, "hubs/ticker"), options =>
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = skipNegotiation;
        })
        .Build();
}
