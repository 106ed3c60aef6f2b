using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Instruments;

/// <summary>
/// Publishers push prices through <c>POST /api/quotes</c> and the hub's <c>Publish</c>; subscribers get them with the
/// gateway's sequence and the publisher's price, bid, ask and timestamp. A bad batch is refused whole, naming the
/// item, and nothing of it reaches anyone.
/// </summary>
public sealed class PublishingTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();
    private string _publisherKey = "";

    public async Task InitializeAsync()
    {
        foreach (var symbol in new[] { "ACME", "BRK.B", "ALGO/USD", "OTHER" })
        {
            Assert.True(Instruments.Add(symbol, InstrumentSource.Published));
        }

        _publisherKey = await _app.CreateKeyAsync("publisher", "ACME", "BRK.B", "ALGO/USD", "BTC-USD");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private InstrumentRegistry Instruments => _app.Services.GetRequiredService<InstrumentRegistry>();

    [Fact]
    public async Task PublishOverHttp_ReachesSubscribers_WithExactPricesBidAskTimestampsAndSequences()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        Assert.Empty(await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ACME", "BRK.B" }).DefaultTimeout());
        var at = _app.Time!.GetUtcNow().AddSeconds(-1);

        var result = await PublishAsync(
            new QuoteInput("ACME", 12.5m, 12.49m, 12.51m, at),
            new QuoteInput("brk.b", 401.123456m),
            new QuoteInput("ACME", 12.75m, Timestamp: at.AddMilliseconds(250)));

        Assert.Equal(new PublishResult(3, 0), result);
        var received = await quotes.UntilAsync(q => q.Symbol == "ACME" && q.Sequence == 2);
        Assert.Equal(3, received.Count);
        var first = received.Single(q => q.Symbol == "ACME" && q.Sequence == 1);
        Assert.Equal((12.5m, 12.49m, 12.51m, at), (first.Price, first.Bid, first.Ask, first.Timestamp));
        Assert.Equal((0m, 0m), (first.Change, first.ChangePercent));
        var brk = received.Single(q => q.Symbol == "BRK.B");
        Assert.Equal((401.123456m, 1L, (decimal?)null, (decimal?)null, _app.Time.GetUtcNow()), (brk.Price, brk.Sequence, brk.Bid, brk.Ask, brk.Timestamp));
        var second = received.Single(q => q.Symbol == "ACME" && q.Sequence == 2);
        Assert.Equal((12.75m, 0.25m, 2m), (second.Price, second.Change, second.ChangePercent));
    }

    [Fact]
    public async Task PublishOverTheHub_ReachesSubscribers_AndAnswersLikeTheApi()
    {
        var (subscriber, quotes) = await _app.ConnectAsync();
        await using var _subscriber = subscriber;
        await subscriber.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ALGO/USD" }).DefaultTimeout();
        var (publisher, _) = await _app.ConnectAsync(_publisherKey);
        await using var _publisher = publisher;

        var result = await publisher.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish),
            new[] { new QuoteInput("ALGO/USD", 0.1875m, 0.187m, 0.188m), new QuoteInput("ALGO/USD", 0.19m) }).DefaultTimeout();

        Assert.Equal(new PublishResult(2, 0), result);
        var received = await quotes.UntilAsync(q => q.Sequence == 2);
        Assert.Equal([(0.1875m, 1L), (0.19m, 2L)], received.Select(q => (q.Price, q.Sequence)));
    }

    [Fact]
    public async Task PublishersOfOneInstrumentAtOnce_ReachSubscribers_InSequenceOrder()
    {
        const int Publishers = 4;
        const int BatchesEach = 500;
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ACME" }).DefaultTimeout();

        // Publishers record and hand quotes over on their own threads, as concurrent POSTs do.
        using var start = new Barrier(Publishers);
        var publishers = Enumerable.Range(0, Publishers).Select(p => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < BatchesEach; i++)
            {
                Instruments.Record([new PriceUpdate("ACME", 100m + p + (i % 10) / 100m)]);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(publishers).DefaultTimeout();

        var received = await quotes.UntilAsync(q => q.Sequence == Publishers * BatchesEach);
        Assert.Equal(Enumerable.Range(1, Publishers * BatchesEach).Select(i => (long)i), received.Select(q => q.Sequence));
    }

    [Fact]
    public async Task OlderQuote_IsIgnoredAndCounted_NeverDelivered()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ACME" }).DefaultTimeout();
        var now = _app.Time!.GetUtcNow();

        Assert.Equal(new PublishResult(1, 0), await PublishAsync(new QuoteInput("ACME", 10m, Timestamp: now)));
        Assert.Equal(new PublishResult(1, 1), await PublishAsync(
            new QuoteInput("ACME", 9m, Timestamp: now.AddSeconds(-1)),
            new QuoteInput("ACME", 11m, Timestamp: now)));

        var received = await quotes.UntilAsync(q => q.Price == 11m);
        Assert.Equal([(10m, 1L), (11m, 2L)], received.Select(q => (q.Price, q.Sequence)));
        Assert.Empty(quotes.Drain());
    }

    public static TheoryData<string, HttpStatusCode, string> BadBatches => new()
    {
        { "[]", HttpStatusCode.BadRequest, "1 to 1000 quotes" },
        { "{\"symbol\":\"ACME\",\"price\":1}", HttpStatusCode.BadRequest, "" },
        { "[{\"symbol\":\"ACME\",\"price\":1},null]", HttpStatusCode.BadRequest, "quotes[1] is null" },
        { "[{\"symbol\":\"ACME\",\"price\":1},{\"symbol\":\"ACME\",\"price\":0}]", HttpStatusCode.BadRequest, "quotes[1].price must be a positive number" },
        { "[{\"symbol\":\"ACME\",\"price\":-3}]", HttpStatusCode.BadRequest, "quotes[0].price" },
        { "[{\"symbol\":\"ACME\",\"price\":\"NaN\"}]", HttpStatusCode.BadRequest, "" },
        { "[{\"symbol\":\"ACME\",\"price\":1e400}]", HttpStatusCode.BadRequest, "" },
        { "[{\"symbol\":\"ACME\",\"price\":2,\"bid\":-1}]", HttpStatusCode.BadRequest, "quotes[0].bid" },
        { "[{\"symbol\":\"ACME\",\"price\":2,\"bid\":3,\"ask\":2}]", HttpStatusCode.BadRequest, "quotes[0].bid (3) is above its ask (2)" },
        { "[{\"symbol\":\"ACME\",\"price\":2,\"timestamp\":\"2999-01-01T00:00:00Z\"}]", HttpStatusCode.BadRequest, "quotes[0].timestamp" },
        { "[{\"price\":2}]", HttpStatusCode.BadRequest, "quotes[0].symbol is required" },
        { "[{\"symbol\":\"AC ME\",\"price\":2}]", HttpStatusCode.BadRequest, "quotes[0].symbol 'AC ME' is not a valid symbol" },
        { "[{\"symbol\":\"ACME\",\"price\":2},{\"symbol\":\"NOPE\",\"price\":2}]", HttpStatusCode.NotFound, "quotes[1].symbol 'NOPE' is not a known instrument" },
        { "[{\"symbol\":\"ACME\",\"price\":2},{\"symbol\":\"OTHER\",\"price\":2}]", HttpStatusCode.Forbidden, "quotes[1].symbol 'OTHER' is not included" },
        { "[{\"symbol\":\"ACME\",\"price\":2},{\"symbol\":\"BTC-USD\",\"price\":2}]", HttpStatusCode.Conflict, "quotes[1].symbol 'BTC-USD' takes its prices from the simulated source" },
        { "[{\"symbol\":\"ACME\",\"price\":2", HttpStatusCode.BadRequest, "" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public async Task BadBatch_IsRefusedWhole_NamingTheItem_AndNothingIsDelivered(string body, HttpStatusCode status, string detail)
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ACME" }).DefaultTimeout();

        using var client = await PublisherClientAsync();
        using var response = await client.PostAsync("/api/quotes", new StringContent(body, Encoding.UTF8, "application/json")).DefaultTimeout();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Instruments.TryGet("ACME", out var acme) ? acme.Sequence : -1);
        await AssertNothingDeliveredAsync(quotes);
    }

    [Fact]
    public async Task BatchOverTheLimit_IsRefused()
    {
        using var client = await PublisherClientAsync();
        var batch = Enumerable.Range(0, 1001).Select(i => new QuoteInput("ACME", 1m + i)).ToArray();
        using var response = await client.PostAsJsonAsync("/api/quotes", batch).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 1000 quotes; this one has 1001", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUserKey_MayNotPublish()
    {
        var token = await _app.GetTokenAsync();
        using var client = _app.CreateClient(token.AccessToken);
        using var response = await client.PostAsJsonAsync("/api/quotes", new[] { new QuoteInput("ACME", 1m) }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("publisher or admin role", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (hub, _) = await _app.ConnectAsync();
        await using var _hub = hub;
        var error = await Assert.ThrowsAsync<HubException>(() =>
            hub.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish), new[] { new QuoteInput("ACME", 1m) }).DefaultTimeout());
        Assert.Contains("publisher or admin role", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task BadHubBatch_IsAHubException_NamingTheItem_TheConnectionStaysUp_AndNothingIsDelivered()
    {
        var (subscriber, quotes) = await _app.ConnectAsync();
        await using var _subscriber = subscriber;
        await subscriber.InvokeAsync<Quote[]>(nameof(ITickerHub.Subscribe), new[] { "ACME" }).DefaultTimeout();
        var (publisher, _) = await _app.ConnectAsync(_publisherKey);
        await using var _publisher = publisher;

        var error = await Assert.ThrowsAsync<HubException>(() => publisher.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish),
            new[] { new QuoteInput("ACME", 1m), new QuoteInput("ACME", 0m) }).DefaultTimeout());
        Assert.Contains("quotes[1].price must be a positive number", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HubException>(() => publisher.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish), new object?[] { null }).DefaultTimeout());
        await Assert.ThrowsAsync<HubException>(() => publisher.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish), "not an array").DefaultTimeout());

        Assert.Equal(HubConnectionState.Connected, publisher.State);
        Assert.Equal(new PublishResult(1, 0), await publisher.InvokeAsync<PublishResult>(nameof(ITickerHub.Publish), new[] { new QuoteInput("ACME", 5m) }).DefaultTimeout());
        var received = await quotes.NextAsync();
        Assert.Equal((5m, 1L), (received.Price, received.Sequence));
    }

    [Fact]
    public async Task Change_IsAgainstTheFirstQuoteOfTheUtcDay()
    {
        var today = _app.Time!.GetUtcNow();
        var yesterday = new DateTimeOffset(today.UtcDateTime.Date, TimeSpan.Zero).AddMinutes(-1);
        await PublishAsync(new QuoteInput("ACME", 100m, Timestamp: yesterday), new QuoteInput("ACME", 110m, Timestamp: yesterday.AddSeconds(30)));
        await PublishAsync(new QuoteInput("ACME", 50m, Timestamp: yesterday.AddMinutes(2)), new QuoteInput("ACME", 55m, Timestamp: yesterday.AddMinutes(3)));

        Assert.True(Instruments.TryGetLatest("ACME", out var latest));
        Assert.Equal((55m, 5m, 10m), (latest.Price, latest.Change, latest.ChangePercent));
        var history = Instruments.TryGet("ACME", out var acme) ? acme.ReadHistory(0, 10).Quotes : [];
        Assert.Equal([0m, 10m, 0m, 5m], history.Select(q => q.Change));
    }

    private async Task<PublishResult> PublishAsync(params QuoteInput[] quotes)
    {
        using var client = await PublisherClientAsync();
        using var response = await client.PostAsJsonAsync("/api/quotes", quotes).DefaultTimeout();
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<PublishResult>())!;
    }

    private async Task<HttpClient> PublisherClientAsync() => _app.CreateClient((await _app.GetTokenAsync(_publisherKey)).AccessToken);

    /// <summary>A good quote published after the refusal is the first one the subscriber sees.</summary>
    private async Task AssertNothingDeliveredAsync(QuoteRecorder quotes)
    {
        await PublishAsync(new QuoteInput("ACME", 77m));
        var next = await quotes.NextAsync();
        Assert.Equal((77m, 1L), (next.Price, next.Sequence));
    }
}
