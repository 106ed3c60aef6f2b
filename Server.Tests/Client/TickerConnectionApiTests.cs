using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Client;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Client;

/// <summary>The client library's HTTP reads (history, instruments) and its hub publishing, against a real server.</summary>
public sealed class TickerConnectionApiTests : IAsyncLifetime
{
    private readonly PublishDropper _dropper = new(drops: 2);
    private readonly TickerAppFactory _app;
    private readonly HttpClient _http = new();
    private string _publisherKey = "";

    public TickerConnectionApiTests()
    {
        _app = new TickerAppFactory(fakeTime: false, kestrel: true) { TestServices = _dropper.Register };
    }

    public async Task InitializeAsync()
    {
        Assert.True(Instruments.Add("ALGO/USD", InstrumentSource.Published));
        Assert.True(Instruments.Add("ACME", InstrumentSource.Published));
        _publisherKey = await _app.CreateKeyAsync("publisher", "ALGO/USD", "ACME");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private InstrumentRegistry Instruments => _app.Services.GetRequiredService<InstrumentRegistry>();

    [Fact]
    public async Task History_PagesOldestFirst_WithBidAndAsk_EvenWithASlashInTheSymbol()
    {
        await using var publisher = new ClientHarness(ClientHarness.Options(_app.BaseAddress, _publisherKey));
        var published = Enumerable.Range(1, 5).Select(i => new QuoteInput("ALGO/USD", 0.18m + (i / 100m), 0.17m + (i / 100m), 0.19m + (i / 100m))).ToArray();
        Assert.Equal(new PublishResult(5, 0), await publisher.Connection.PublishAsync(published, CancellationToken.None).DefaultTimeout());
        await using var reader = Reader(TickerAppFactory.DemoKey);

        var first = await reader.GetHistoryAsync("ALGO/USD", since: 0, limit: 2).DefaultTimeout();
        var second = await reader.GetHistoryAsync("algo/usd", since: first[^1].Sequence, limit: 2).DefaultTimeout();
        var rest = await reader.GetHistoryAsync("ALGO/USD", since: second[^1].Sequence).DefaultTimeout();
        var all = await reader.GetHistoryAsync("ALGO/USD").DefaultTimeout();

        Assert.Equal([1L, 2L], first.Select(q => q.Sequence));
        Assert.Equal([3L, 4L], second.Select(q => q.Sequence));
        Assert.Equal([5L], rest.Select(q => q.Sequence));
        Assert.Equal(published.Select(q => (q.Symbol, q.Price, q.Bid, q.Ask)), all.Select(q => (q.Symbol, q.Price, q.Bid, q.Ask)));
        Assert.Empty(await reader.GetHistoryAsync("ALGO/USD", since: 5).DefaultTimeout());
    }

    [Fact]
    public async Task History_Refused_CarriesTheStatusAndTheServersReason()
    {
        var limitedKey = await _app.CreateKeyAsync("user", "BTC-USD");
        await using var reader = Reader(TickerAppFactory.DemoKey);
        await using var limited = Reader(limitedKey);

        var unknown = await Assert.ThrowsAsync<HttpRequestException>(() => reader.GetHistoryAsync("NOPE").DefaultTimeout());
        var notEntitled = await Assert.ThrowsAsync<HttpRequestException>(() => limited.GetHistoryAsync("ACME").DefaultTimeout());
        var badLimit = await Assert.ThrowsAsync<HttpRequestException>(() => reader.GetHistoryAsync("ACME", limit: 5000).DefaultTimeout());

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("'NOPE' is not a known symbol", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, notEntitled.StatusCode);
        Assert.Contains("'ACME' is not included in your API key's entitlements", notEntitled.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit must be between 1 and 1000", badLimit.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(limitedKey, notEntitled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instruments_ListSourceSequenceAndStale_ForTheKeysSymbolsOnly()
    {
        await using var publisher = new ClientHarness(ClientHarness.Options(_app.BaseAddress, _publisherKey));
        await publisher.Connection.PublishAsync([new QuoteInput("ACME", 12.5m, 12.4m, 12.6m)], CancellationToken.None).DefaultTimeout();
        Assert.True(Instruments.TryGet("ACME", out var acme));
        acme.Stale = true;
        await using var reader = Reader(TickerAppFactory.DemoKey);
        await using var limited = Reader(await _app.CreateKeyAsync("user", "BTC-USD"));

        var all = await reader.GetInstrumentsAsync(CancellationToken.None).DefaultTimeout();
        var mine = await limited.GetInstrumentsAsync(CancellationToken.None).DefaultTimeout();

        var listed = all.Single(i => i.Symbol == "ACME");
        Assert.Equal((12.5m, 1L, InstrumentSources.Published, true), (listed.Price, listed.Sequence, listed.Source, listed.Stale));
        var quiet = all.Single(i => i.Symbol == "ALGO/USD");
        Assert.Equal(((decimal?)null, (long?)null, false), (quiet.Price, quiet.Sequence, quiet.Stale));
        Assert.Equal(InstrumentSources.Simulated, all.Single(i => i.Symbol == "BTC-USD").Source);
        Assert.Equal(["BTC-USD"], mine.Select(i => i.Symbol));
    }

    [Fact]
    public async Task Publish_RefusedBatch_NamesTheItem_AndNothingOfItIsPublished()
    {
        await using var publisher = new ClientHarness(ClientHarness.Options(_app.BaseAddress, _publisherKey));
        await using var user = new ClientHarness(ClientHarness.Options(_app.BaseAddress, TickerAppFactory.DemoKey));

        var badItem = await Assert.ThrowsAsync<PublishRefusedException>(() => publisher.Connection.PublishAsync(
            [new QuoteInput("ACME", 12.5m), new QuoteInput("ACME", 12.6m), new QuoteInput("ACME", -1m)], CancellationToken.None).DefaultTimeout());
        var notAPublisher = await Assert.ThrowsAsync<PublishRefusedException>(() => user.Connection.PublishAsync(
            [new QuoteInput("ACME", 12.5m)], CancellationToken.None).DefaultTimeout());

        Assert.Equal(2, badItem.ItemIndex);
        Assert.Contains("quotes[2].price must be a positive number", badItem.Message, StringComparison.Ordinal);
        Assert.Null(notAPublisher.ItemIndex);
        Assert.Contains("publisher", notAPublisher.Message, StringComparison.Ordinal);
        Assert.True(Instruments.TryGet("ACME", out var acme));
        Assert.Equal(0, acme.Sequence);
        Assert.Equal(TickerConnectionState.Connected, publisher.Connection.Status.State);
    }

    [Fact]
    public async Task Publish_ConnectionLostWithTheBatchInFlight_SendsItAgainAfterReconnecting()
    {
        _dropper.Arm();
        await using var publisher = new ClientHarness(ClientHarness.Options(_app.BaseAddress, _publisherKey));

        var result = await publisher.Connection.PublishAsync([new QuoteInput("ACME", 12.5m), new QuoteInput("ACME", 12.6m)], CancellationToken.None).DefaultTimeout();

        Assert.Equal(new PublishResult(2, 0), result);
        Assert.Equal(2, publisher.Connection.Stats.Reconnects);
        Assert.True(Instruments.TryGet("ACME", out var acme));
        Assert.Equal((2L, 12.6m), (acme.Sequence, acme.Latest!.Price));
    }

    /// <summary>A connection used only for its HTTP reads: never run, so it never connects to the hub.</summary>
    private TickerConnection Reader(string apiKey) => new(new TickerConnectionOptions(_app.BaseAddress, apiKey, []), _http);
}
