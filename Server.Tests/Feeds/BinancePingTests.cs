using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>
/// Binance pings every connection and drops one whose pong is late; the feed's <see cref="ClientWebSocket"/> answers
/// by itself while it waits for the next message, so the connection lives on.
/// </summary>
public sealed class BinancePingTests
{
    private const long Start = 1_709_649_001_123;

    /// <summary>
    /// Binance pings every 20 s and waits a minute for the pong; this venue pings much faster, so a missed
    /// pong shows within the test, yet allows a busy test machine time to answer.
    /// </summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PongTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task VenuePings_AreAnswered_SoTheConnectionOutlivesSeveralPongTimeouts()
    {
        await using var venue = await FakeVenue.StartAsync(PingInterval, PongTimeout);
        await using var app = BinanceFeedTests.CreateApp(venue);
        var (hub, quotes) = await app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "BTCUSDT" }).DefaultTimeout();
        var connection = await venue.NextConnectionAsync();

        // Quotes over three pong timeouts: dozens of pings, each of which must have been answered in time.
        using var pace = new PeriodicTimer(PongTimeout / 2);
        for (var i = 1; i <= 6; i++)
        {
            await pace.WaitForNextTickAsync();
            await connection.SendAsync(BinanceMessages.Ticker("BTCUSDT", $"{67450 + i}", $"{67449 + i}", $"{67451 + i}", Start + i));
            Assert.Equal(i, (await quotes.NextAsync()).Sequence);
        }

        Assert.False(connection.Ended.IsCompleted);
        Assert.Equal(1, venue.ConnectionCount);
        Assert.Empty(app.Logged("FeedDisconnected"));
    }

    [Fact]
    public async Task FakeVenue_AbortsAClientThatDoesNotAnswerPings()
    {
        // Without a pending receive a ClientWebSocket answers no ping: the venue must notice, or the test above proves nothing.
        await using var venue = await FakeVenue.StartAsync(PingInterval, PongTimeout);
        using var silent = new ClientWebSocket();
        await silent.ConnectAsync(new Uri(venue.Address, "/stream?streams=btcusdt@ticker"), CancellationToken.None).DefaultTimeout();
        var connection = await venue.NextConnectionAsync();

        Assert.StartsWith("aborted", await connection.Ended.DefaultTimeout(), StringComparison.Ordinal);
    }
}
