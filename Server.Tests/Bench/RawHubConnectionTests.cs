using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Bench;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Bench;

/// <summary>
/// The bench's raw hub connection against a real server on a loopback port: Subscribe, a drop and Resume with every
/// missed quote and none twice, in-band RefreshToken, Publish, and which closes it reports.
/// </summary>
public sealed class RawHubConnectionTests : IAsyncLifetime
{
    private const string Symbol = "ACME";
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);
    private readonly Recorder _recorder = new();

    public Task InitializeAsync()
    {
        _app.Settings["Ticker:HistorySize"] = "5";
        Assert.True(_app.Services.GetRequiredService<InstrumentRegistry>().Add(Symbol, InstrumentSource.Published));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Uri HubUrl => new(_app.BaseAddress, HubPaths.Ticker.TrimStart('/'));

    [Fact]
    public async Task Resume_AfterADrop_GivesBackExactlyTheMissedQuotes_AndLiveQuotesCarryOnInOrder()
    {
        await using var publisher = await PublisherAsync();
        await PublishAsync(publisher, 10.01m);
        await using var subscriber = new RawHubConnection(HubUrl, [Symbol], _recorder);
        await subscriber.ConnectAsync((await _app.GetTokenAsync()).AccessToken, CancellationToken.None).DefaultTimeout();

        var snapshot = await subscriber.SubscribeAsync(CancellationToken.None).DefaultTimeout();
        await PublishAsync(publisher, 10.02m);

        Assert.Equal([1L], snapshot.Select(q => q.Sequence));
        Assert.Equal((2L, false), await _recorder.NextAsync());

        await subscriber.DropAsync().DefaultTimeout();
        Assert.False(subscriber.IsOpen);
        await PublishAsync(publisher, 10.03m, 10.04m, 10.05m);
        await subscriber.ConnectAsync((await _app.GetTokenAsync()).AccessToken, CancellationToken.None).DefaultTimeout();
        var outcome = await subscriber.ResumeAsync(CancellationToken.None).DefaultTimeout();
        await PublishAsync(publisher, 10.06m);

        Assert.Equal(new ResumeOutcome(Recovered: true, SymbolsNotRecovered: 0, QuotesRecovered: 3, Gaps: 0), outcome);
        Assert.Equal((6L, false), await _recorder.NextAsync()); // 3 to 5 came with the resume, not again live
        Assert.Empty(_recorder.Closes);
        Assert.Empty(_recorder.Unexpected);
    }

    [Fact]
    public async Task Resume_PastTheHistory_IsNotRecovered_AndStartsFromTheLatestQuote()
    {
        await using var publisher = await PublishAsync(await PublisherAsync(), 1m);
        await using var subscriber = new RawHubConnection(HubUrl, [Symbol], _recorder);
        await subscriber.ConnectAsync((await _app.GetTokenAsync()).AccessToken, CancellationToken.None).DefaultTimeout();
        await subscriber.SubscribeAsync(CancellationToken.None).DefaultTimeout();

        await subscriber.DropAsync().DefaultTimeout();
        await PublishAsync(publisher, 2m, 3m, 4m, 5m, 6m, 7m, 8m); // history holds 5: 2 and 3 are gone
        await subscriber.ConnectAsync((await _app.GetTokenAsync()).AccessToken, CancellationToken.None).DefaultTimeout();
        var outcome = await subscriber.ResumeAsync(CancellationToken.None).DefaultTimeout();
        await PublishAsync(publisher, 9m);

        Assert.Equal(new ResumeOutcome(Recovered: false, SymbolsNotRecovered: 1, QuotesRecovered: 0, Gaps: 0), outcome);
        Assert.Equal((9L, false), await _recorder.NextAsync());
    }

    [Fact]
    public async Task RefreshToken_MovesTheExpiryInBand_AndARefusedTokenChangesNothing()
    {
        await using var publisher = await PublisherAsync();
        var first = await _app.GetTokenAsync();
        await using var subscriber = new RawHubConnection(HubUrl, [Symbol], _recorder);
        await subscriber.ConnectAsync(first.AccessToken, CancellationToken.None).DefaultTimeout();
        await subscriber.SubscribeAsync(CancellationToken.None).DefaultTimeout();

        var renewed = await subscriber.RefreshTokenAsync((await _app.GetTokenAsync()).AccessToken, CancellationToken.None).DefaultTimeout();
        var refused = await Assert.ThrowsAsync<HubInvocationException>(
            () => subscriber.RefreshTokenAsync("not-a-token", CancellationToken.None).DefaultTimeout());
        await PublishAsync(publisher, 20m);

        Assert.True(renewed.ExpiresAt > DateTimeOffset.UtcNow + TimeSpan.FromMinutes(30), $"expires at {renewed.ExpiresAt:O}");
        Assert.Empty(renewed.Removed);
        Assert.Contains("RefreshToken refused", refused.Message, StringComparison.Ordinal);
        Assert.Equal((1L, false), await _recorder.NextAsync()); // still subscribed and reading
        Assert.True(subscriber.IsOpen);
    }

    [Fact]
    public async Task ServerClosingTheConnection_IsReported_ButADropIsNot()
    {
        var (keyId, secret) = await _app.CreateKeyWithIdAsync("user", Symbol);
        await using var dropped = new RawHubConnection(HubUrl, [Symbol], _recorder);
        await using var revoked = new RawHubConnection(HubUrl, [Symbol], _recorder);
        var token = (await _app.GetTokenAsync(secret)).AccessToken;
        await dropped.ConnectAsync(token, CancellationToken.None).DefaultTimeout();
        await revoked.ConnectAsync(token, CancellationToken.None).DefaultTimeout();

        await dropped.DropAsync().DefaultTimeout();
        await _app.RevokeKeyAsync(keyId);

        var closed = await _recorder.NextCloseAsync();
        Assert.Same(revoked, closed);
        Assert.Single(_recorder.Closes);
        Assert.False(revoked.IsOpen);
    }

    private async Task<RawHubConnection> PublisherAsync()
    {
        var publisher = new RawHubConnection(HubUrl, [], new Recorder());
        await publisher.ConnectAsync((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken, CancellationToken.None).DefaultTimeout();
        return publisher;
    }

    private static async Task<RawHubConnection> PublishAsync(RawHubConnection publisher, params decimal[] prices)
    {
        var result = await publisher.PublishAsync([.. prices.Select(p => new QuoteInput(Symbol, p))], CancellationToken.None).DefaultTimeout();
        Assert.Equal(prices.Length, result.Accepted);
        return publisher;
    }

    /// <summary>What a connection reported: live quotes (sequence, gap) in order, closes, and unexpected records.</summary>
    private sealed class Recorder : IRawHubObserver
    {
        private readonly Channel<(long Sequence, bool Gap)> _quotes = Channel.CreateUnbounded<(long, bool)>();
        private readonly Channel<RawHubConnection> _closes = Channel.CreateUnbounded<RawHubConnection>();

        public List<RawHubConnection> Closes { get; } = [];

        public List<string> Unexpected { get; } = [];

        public Task<(long Sequence, bool Gap)> NextAsync() => _quotes.Reader.ReadAsync().AsTask().DefaultTimeout();

        public Task<RawHubConnection> NextCloseAsync() => _closes.Reader.ReadAsync().AsTask().DefaultTimeout();

        public int SymbolIndex(string symbol) => 0;

        public void Observe(int symbol, long sequence, bool gap, TimeSpan latency) => _quotes.Writer.TryWrite((sequence, gap));

        public void Closed(RawHubConnection connection, string reason)
        {
            lock (Closes)
            {
                Closes.Add(connection);
            }

            _closes.Writer.TryWrite(connection);
        }

        void IRawHubObserver.Unexpected(RawHubConnection connection, string reason)
        {
            lock (Unexpected)
            {
                Unexpected.Add(reason);
            }
        }
    }
}
