using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>
/// Over a real WebSocket, quote frames go straight to the socket; over another transport (long polling in the
/// in-memory server) they go through SignalR's. Either way the client gets every tick.
/// </summary>
public sealed class DirectSendTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Quotes_ArriveOnEveryTransport_StraightOnTheSocketOnlyForWebSockets(bool kestrel)
    {
        await using var app = new TickerAppFactory(kestrel: kestrel);
        var (connection, quotes) = await app.ConnectAsync();
        await using var _ = connection;
        await connection.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();

        app.Tick();
        Assert.Equal(1, (await quotes.NextAsync()).Sequence);
        app.Tick();
        Assert.Equal(2, (await quotes.NextAsync()).Sequence);

        Assert.True(app.Services.GetRequiredService<LiveConnections>().TryGet(connection.ConnectionId!, out var live));
        Assert.Equal(kestrel, live.Writer.SendsDirect);
    }
}
