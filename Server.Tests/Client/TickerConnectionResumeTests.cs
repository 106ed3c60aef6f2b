using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Client;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>
/// The client library after a server-side drop: it resumes from each symbol's last sequence, so quotes published
/// while it was away arrive in order with no gap counted, or, past <c>Ticker:HistorySize</c>, it says the symbol was
/// not recovered and counts what was lost. Subscriptions the server ends are dropped and not made again.
/// </summary>
public sealed class TickerConnectionResumeTests : IAsyncLifetime
{
    private readonly ResumeGate _gate = new();
    private readonly TickerAppFactory _app;
    private string _publisherKey = "";

    public TickerConnectionResumeTests()
    {
        _app = new TickerAppFactory(fakeTime: false, kestrel: true) { TestServices = _gate.Register };
    }

    public async Task InitializeAsync()
    {
        _app.Settings["Ticker:HistorySize"] = "5";
        Assert.True(Instruments.Add("ACME", InstrumentSource.Published));
        Assert.True(Instruments.Add("BRK.B", InstrumentSource.Published));
        _publisherKey = await _app.CreateKeyAsync("publisher", "ACME", "BRK.B");
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _app.DisposeAsync();
    }

    private InstrumentRegistry Instruments => _app.Services.GetRequiredService<InstrumentRegistry>();

    [Fact]
    public async Task DropWithinTheHistory_ResumesExactlyTheMissedQuotes_WithNoGapCounted()
    {
        await using var publisher = Publisher();
        await using var client = new ClientHarness(_app.BaseAddress, "ACME");
        await client.NextStateAsync(TickerConnectionState.Connected);
        await PublishAsync(publisher, "ACME", 10.01m, 10.02m, 10.03m);
        Assert.Equal([1L, 2L, 3L], (await client.QuotesUntilAsync(q => q.Sequence == 3)).Select(q => q.Sequence));

        var missed = await DropAndPublishWhileAwayAsync(client, () => PublishAsync(publisher, "ACME", 10.04m, 10.05m, 10.06m, 10.07m, 10.08m));
        await client.NextStateAsync(TickerConnectionState.Connected);
        var recovered = await client.QuotesUntilAsync(q => q.Sequence == 8);

        Assert.Equal(5, missed.Accepted);
        Assert.Equal([(4L, 10.04m), (5L, 10.05m), (6L, 10.06m), (7L, 10.07m), (8L, 10.08m)], recovered.Select(q => (q.Sequence, q.Price)));
        Assert.Contains(nameof(ITickerHub.Resume), _gate.Calls);
        var stats = client.Connection.Stats;
        Assert.Equal((0L, 0L, 5L, 0L, 1), (stats.Gaps, stats.MissedQuotes, stats.RecoveredQuotes, stats.NotRecovered, stats.Reconnects));
        Assert.Empty(client.DrainNotRecovered());

        // And live again after the resume.
        await PublishAsync(publisher, "ACME", 10.09m);
        var live = await client.NextQuoteAsync();
        Assert.Equal((9L, 10.09m), (live.Sequence, live.Price));
        Assert.Equal(0, client.Connection.Stats.Gaps);
    }

    [Fact]
    public async Task DropPastTheHistorySize_IsNotRecovered_AndCountsExactlyWhatWasLost()
    {
        await using var publisher = Publisher();
        await using var client = new ClientHarness(_app.BaseAddress, "ACME", "BRK.B");
        await client.NextStateAsync(TickerConnectionState.Connected);
        await PublishAsync(publisher, "ACME", 1m, 2m, 3m);
        await PublishAsync(publisher, "BRK.B", 400m);
        await client.QuotesUntilAsync(q => q.Symbol == "BRK.B");

        // History keeps 5 per instrument: 10 more ACME quotes push 4 to 8 out; BRK.B's 2 more are all still held.
        await DropAndPublishWhileAwayAsync(client, async () =>
        {
            await PublishAsync(publisher, "ACME", [.. Enumerable.Range(4, 10).Select(i => (decimal)i)]);
            await PublishAsync(publisher, "BRK.B", 401m, 402m);
        });
        var lost = await client.NextNotRecoveredAsync();
        var after = client.DrainQuotes();

        Assert.Equal(new SymbolNotRecovered("ACME", 3, 13), lost);
        Assert.Equal(9, lost.Lost);
        Assert.Equal([("ACME", 13L, 13m), ("BRK.B", 2L, 401m), ("BRK.B", 3L, 402m)],
            after.Select(q => (q.Symbol, q.Sequence, q.Price)).OrderBy(q => q.Symbol, StringComparer.Ordinal).ThenBy(q => q.Item2));
        var stats = client.Connection.Stats;
        Assert.Equal((1L, 9L, 2L, 1L), (stats.Gaps, stats.MissedQuotes, stats.RecoveredQuotes, stats.NotRecovered));
    }

    [Fact]
    public async Task InstrumentRemoved_RaisesUnsubscribed_AndIsNotSubscribedAgainAfterAReconnect()
    {
        var (publisher, client) = await BothSymbolsQuotedOnceAsync();
        await using var _publisher = publisher;
        await using var _client = client;

        Assert.True(await Instruments.RemoveAsync("ACME", CancellationToken.None).DefaultTimeout());
        var ended = await client.NextUnsubscribedAsync();

        Assert.Equal(["ACME"], ended.Symbols);
        Assert.Equal(UnsubscribedReasons.InstrumentRemoved, ended.Reason);
        Assert.Equal(["BRK.B"], client.Connection.Symbols);

        // A reconnect resumes what is left; had it asked for ACME, the whole Resume would have been refused.
        Assert.Equal(1, _gate.DropSubscribers());
        await client.NextStateAsync(TickerConnectionState.Reconnecting);
        await client.NextStateAsync(TickerConnectionState.Connected);
        await PublishAsync(publisher, "BRK.B", 7m);
        Assert.Equal(("BRK.B", 2L), await Next(client));
        Assert.Equal(1, client.Connection.Stats.Reconnects);
    }

    [Fact]
    public async Task InstrumentRemovedWhileAway_IsEndedOnReconnect_AndTheOthersResume()
    {
        var (publisher, client) = await BothSymbolsQuotedOnceAsync();
        await using var _publisher = publisher;
        await using var _client = client;

        await DropAndPublishWhileAwayAsync(client, async () =>
        {
            await PublishAsync(publisher, "BRK.B", 7m);
            Assert.True(await Instruments.RemoveAsync("ACME", CancellationToken.None));
        });
        var ended = await client.NextUnsubscribedAsync();
        await client.NextStateAsync(TickerConnectionState.Connected);

        Assert.Equal(["ACME"], ended.Symbols);
        Assert.Equal(TickerConnection.VanishedReason, ended.Reason);
        Assert.Equal(("BRK.B", 2L), await Next(client));
        Assert.Equal(["BRK.B"], client.Connection.Symbols);
        Assert.False(client.Run.IsCompleted);
    }

    /// <summary>A publisher, and a client that has had one quote of each of ACME and BRK.B.</summary>
    private async Task<(ClientHarness Publisher, ClientHarness Client)> BothSymbolsQuotedOnceAsync()
    {
        var publisher = Publisher();
        var client = new ClientHarness(_app.BaseAddress, "ACME", "BRK.B");
        await client.NextStateAsync(TickerConnectionState.Connected);
        await PublishAsync(publisher, "ACME", 5m);
        await PublishAsync(publisher, "BRK.B", 6m);
        await client.QuotesUntilAsync(q => q.Symbol == "BRK.B");
        return (publisher, client);
    }

    /// <summary>
    /// Drops the client's connection and holds its Resume until <paramref name="whileAway"/> has run, so what it
    /// publishes is missed for certain; then lets the client back in.
    /// </summary>
    private async Task<T> DropAndPublishWhileAwayAsync<T>(ClientHarness client, Func<Task<T>> whileAway)
    {
        _gate.Close();
        Assert.Equal(1, _gate.DropSubscribers());
        await client.NextStateAsync(TickerConnectionState.Reconnecting);
        await _gate.ResumeHeld.DefaultTimeout();
        var result = await whileAway();
        _gate.Open();
        return result;
    }

    private Task<bool> DropAndPublishWhileAwayAsync(ClientHarness client, Func<Task> whileAway) =>
        DropAndPublishWhileAwayAsync(client, async () =>
        {
            await whileAway();
            return true;
        });

    private ClientHarness Publisher() => new(ClientHarness.Options(_app.BaseAddress, _publisherKey));

    private static async Task<PublishResult> PublishAsync(ClientHarness publisher, string symbol, params decimal[] prices) =>
        await publisher.Connection.PublishAsync([.. prices.Select(price => new QuoteInput(symbol, price))], CancellationToken.None).DefaultTimeout();

    private static async Task<(string, long)> Next(ClientHarness client)
    {
        var quote = await client.NextQuoteAsync();
        return (quote.Symbol, quote.Sequence);
    }
}
