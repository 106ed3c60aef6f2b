using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Cluster;

/// <summary>
/// nginx in front of two nodes, as docs/architecture-cluster.md sets it up: round robin for clients that skip
/// negotiation (one WebSocket request per connection, so any node can take it), and a sticky upstream (ip_hash) for
/// clients that negotiate, whose later requests must reach the node that negotiated.
/// </summary>
[Collection(ClusterSerial.Name)]
public sealed class LoadBalancerTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private ClusterNodes? _cluster;

    /// <summary>The WebSocket proxy of docs/architecture-cluster.md; {{balance}} is empty (round robin) or <c>ip_hash;</c>.</summary>
    public static string Site(string balance) => """
        map $http_upgrade $connection_upgrade {
            default upgrade;
            ''      close;
        }

        upstream ticker {
            BALANCE
            {{upstream_servers}}
        }

        server {
            listen {{listen}};
            location / {
                proxy_pass http://ticker;
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection $connection_upgrade;
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_buffering off;
                proxy_read_timeout 1h;
            }
        }
        """.Replace("BALANCE", balance, StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _cluster = ServerPrograms.IsInstalled(Needs.Redis | Needs.Nginx) ? new ClusterNodes(_redis) : null;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [ServerFact(Needs.Redis | Needs.Nginx)]
    public async Task RoundRobin_ClientsThatSkipNegotiation_LandOnBothNodes_AndAllGetQuotes()
    {
        var nodes = new[] { _cluster!.Start(), _cluster.Start() };
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
                await connection.InvokeAsync<Quote[]>("Subscribe", new[] { "BTC-USD" }).DefaultTimeout();
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

    [ServerFact(Needs.Redis | Needs.Nginx)]
    public async Task StickyUpstream_ClientsThatNegotiate_Connect_AndGetQuotes()
    {
        var nodes = new[] { _cluster!.Start(), _cluster.Start() };
        await using var nginx = await NginxServer.StartAsync(Site("ip_hash;"), nodes.Select(node => node.BaseAddress)).DefaultTimeout();
        var token = (await nodes[1].GetTokenAsync()).AccessToken;
        await using var connection = Connect(nginx, token, skipNegotiation: false);
        var quotes = new QuoteRecorder(connection);

        await connection.StartAsync().DefaultTimeout();
        Assert.Single(await connection.InvokeAsync<Quote[]>("Subscribe", new[] { "ETH-USD" }).DefaultTimeout());
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
