using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Tests.Delivery;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Ticker;

/// <summary>
/// SignalR's own API is the way out: code that pushes quotes the usual way, through
/// <c>IHubContext&lt;TickerHub, ITickerClient&gt;</c>, gets the delivery's coalescing and queueing, and the rest of
/// the group API (other groups, other methods, single connections) keeps working.
/// </summary>
public sealed class HubContextTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IHubContext<TickerHub, ITickerClient> Hub => _app.Services.GetRequiredService<IHubContext<TickerHub, ITickerClient>>();

    private QuoteDelivery Delivery => _app.Services.GetRequiredService<QuoteDelivery>();

    [Fact]
    public async Task GroupSendsOfOneBatch_ReachEachConnectionAsOneFrame()
    {
        await using var connection = await StuckConnection.JoinAsync(_app, "BTC-USD", "ETH-USD", "SOL-USD");
        connection.Resume();

        using (Delivery.BeginBatch())
        {
            await Hub.Clients.Group("BTC-USD").Quote(QuoteOf("BTC-USD", 101));
            await Hub.Clients.Group("ETH-USD").Quote(QuoteOf("ETH-USD", 102));
            await Hub.Clients.Group("SOL-USD").Quote(QuoteOf("SOL-USD", 103));
            Assert.Equal(0, connection.Writes);
        }

        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 1);
        Assert.Equal([101L, 102L, 103L], Quotes(connection.Written[0]).Select(q => q.Sequence));
    }

    [Fact]
    public async Task GroupSendsWhileAWriteIsPending_WaitInOrder_AndGoInTheNextFrame()
    {
        await using var connection = await StuckConnection.JoinAsync(_app, "BTC-USD");
        for (var sequence = 1; sequence <= 5; sequence++)
        {
            await Hub.Clients.Group("BTC-USD").Quote(QuoteOf("BTC-USD", sequence));
        }

        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 1);
        connection.Resume();
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 2);

        Assert.Equal([1L], Quotes(connection.Written[0]).Select(q => q.Sequence));
        Assert.Equal([2L, 3L, 4L, 5L], Quotes(connection.Written[1]).Select(q => q.Sequence));
    }

    [Fact]
    public async Task AConnectionBehindPastConflateAfter_GetsOnlyTheLatestQuoteOfEachSymbol()
    {
        await using var connection = await StuckConnection.JoinAsync(_app, "AAA", "BBB");
        await Hub.Clients.Group("AAA").Quote(QuoteOf("AAA", 1));
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 1);
        await Hub.Clients.Group("AAA").Quote(QuoteOf("AAA", 2));
        await Hub.Clients.Group("BBB").Quote(QuoteOf("BBB", 3));

        // Its write has been in flight for Delivery:ConflateAfter (1 s): it is behind, and what waits is conflated, each
        // topic's latest quote in the place its first waiting one held. (Topics no feed ticks, so only these quotes flow.)
        _app.Time!.Advance(TimeSpan.FromSeconds(1));
        for (var sequence = 4; sequence <= 100; sequence++)
        {
            await Hub.Clients.Group("AAA").Quote(QuoteOf("AAA", sequence));
        }

        connection.Resume();
        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 2);
        Assert.Equal([("AAA", 100L), ("BBB", 3L)], Quotes(connection.Written[1]).Select(q => (q.Symbol, q.Sequence)));
    }

    [Fact]
    public async Task ABurstForAConnectionThatKeepsUp_IsDeliveredWhole()
    {
        await using var connection = await StuckConnection.JoinAsync(_app, "BTC-USD");
        connection.Resume();
        using (Delivery.BeginBatch())
        {
            for (var sequence = 1; sequence <= 5000; sequence++)
            {
                await Hub.Clients.Group("BTC-USD").Quote(QuoteOf("BTC-USD", sequence));
            }
        }

        await TaskTimeoutExtensions.WaitUntilAsync(() => connection.Writes == 1);
        Assert.Equal(Enumerable.Range(1, 5000).Select(i => (long)i), Quotes(connection.Written[0]).Select(q => q.Sequence));
    }

    [Fact]
    public async Task OtherGroupsMethodsAndConnections_WorkThroughTheSameDelivery()
    {
        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;
        var headlines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        hub.On<string>("Headline", text => headlines.Writer.TryWrite(text));
        var untyped = _app.Services.GetRequiredService<IHubContext<TickerHub>>();

        // A hub call runs only once the server has registered the connection: from then on it can be sent to by id.
        await hub.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();

        await untyped.Groups.AddToGroupAsync(hub.ConnectionId!, "news").DefaultTimeout();
        await untyped.Clients.Group("news").SendAsync("Headline", "to the group").DefaultTimeout();
        await untyped.Clients.Client(hub.ConnectionId!).SendAsync("Headline", "to the connection").DefaultTimeout();
        await untyped.Clients.All.SendAsync("Headline", "to all").DefaultTimeout();
        await untyped.Groups.RemoveFromGroupAsync(hub.ConnectionId!, "news").DefaultTimeout();
        await untyped.Clients.Group("news").SendAsync("Headline", "to an empty group").DefaultTimeout();
        await untyped.Clients.AllExcept([hub.ConnectionId!]).SendAsync("Headline", "to everyone else").DefaultTimeout();
        await untyped.Clients.Client(hub.ConnectionId!).SendAsync("Headline", "last").DefaultTimeout();

        var received = new List<string>();
        while (received.LastOrDefault() != "last")
        {
            try
            {
                received.Add(await headlines.Reader.ReadAsync().AsTask().DefaultTimeout());
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("Received only: " + string.Join(" | ", received));
            }
        }

        Assert.Equal(["to the group", "to the connection", "to all", "last"], received);
    }

    private static Quote QuoteOf(string symbol, long sequence) => new(symbol, 100m + sequence, 0m, 0m, sequence, DateTimeOffset.UnixEpoch);

    private static List<Quote> Quotes(byte[] write) =>
        [.. System.Text.Encoding.UTF8.GetString(write).Split('\u001e', StringSplitOptions.RemoveEmptyEntries)
            .Select(json => JsonDocument.Parse(json).RootElement)
            .Select(message => message.GetProperty("arguments")[0].Deserialize<Quote>(JsonSerializerOptions.Web)!)];
}
