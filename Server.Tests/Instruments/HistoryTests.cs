using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Instruments;

/// <summary><c>GET /api/symbols</c> and <c>GET /api/symbols/{symbol}/history</c> through the real host.</summary>
public sealed class HistoryTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public HistoryTests() => _app.Settings["Ticker:HistorySize"] = "25";

    public Task InitializeAsync()
    {
        Instruments.Add("ACME", InstrumentSource.Published);
        Instruments.Add("ALGO/USD", InstrumentSource.Published);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private InstrumentRegistry Instruments => _app.Services.GetRequiredService<InstrumentRegistry>();

    [Fact]
    public async Task Symbols_ListSourceSequenceAndStale_WithNullsBeforeTheFirstQuote()
    {
        _app.Tick();
        Publish("ACME", 3);
        using var client = await ClientAsync();

        var list = await client.GetFromJsonAsync<JsonElement[]>("/api/symbols").DefaultTimeout();

        var acme = list!.Single(s => s.GetProperty("symbol").GetString() == "ACME");
        Assert.Equal(("published", 3L, false), (acme.GetProperty("source").GetString(), acme.GetProperty("sequence").GetInt64(), acme.GetProperty("stale").GetBoolean()));
        var algo = list!.Single(s => s.GetProperty("symbol").GetString() == "ALGO/USD");
        Assert.Equal(JsonValueKind.Null, algo.GetProperty("price").ValueKind);
        Assert.Equal(JsonValueKind.Null, algo.GetProperty("timestamp").ValueKind);
        Assert.Equal(JsonValueKind.Null, algo.GetProperty("sequence").ValueKind);
        var btc = list!.Single(s => s.GetProperty("symbol").GetString() == "BTC-USD");
        Assert.Equal(("simulated", 1L), (btc.GetProperty("source").GetString(), btc.GetProperty("sequence").GetInt64()));
    }

    [Fact]
    public async Task History_PagesOldestFirst_SinceASequence()
    {
        Publish("ACME", 20);
        using var client = await ClientAsync();

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), await SequencesAsync(client, "/api/symbols/ACME/history?limit=10"));
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), await SequencesAsync(client, "/api/symbols/ACME/history?since=10&limit=10"));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), await SequencesAsync(client, "/api/symbols/acme/history"));
        Assert.Empty(await SequencesAsync(client, "/api/symbols/ACME/history?since=20"));
        var quote = (await client.GetFromJsonAsync<Quote[]>("/api/symbols/ACME/history?since=4&limit=1"))!.Single();
        Assert.Equal(("ACME", 5L, 105m), (quote.Symbol, quote.Sequence, quote.Price));
    }

    [Fact]
    public async Task History_KeepsTheLastHistorySizeQuotes()
    {
        Publish("ACME", 40);
        using var client = await ClientAsync();
        Assert.Equal(Enumerable.Range(16, 25).Select(i => (long)i), await SequencesAsync(client, "/api/symbols/ACME/history?limit=1000"));
    }

    [Fact]
    public async Task History_OfASymbolWithASlash_IsReachedEncoded()
    {
        Publish("ALGO/USD", 2);
        using var client = await ClientAsync();
        Assert.Equal([1L, 2L], await SequencesAsync(client, "/api/symbols/ALGO%2FUSD/history"));
    }

    [Theory]
    [InlineData("/api/symbols/ACME/history?since=-1", HttpStatusCode.BadRequest, "since must be")]
    [InlineData("/api/symbols/ACME/history?limit=0", HttpStatusCode.BadRequest, "limit must be between 1 and 1000")]
    [InlineData("/api/symbols/ACME/history?limit=1001", HttpStatusCode.BadRequest, "limit must be between 1 and 1000")]
    [InlineData("/api/symbols/ACME/history?since=abc", HttpStatusCode.BadRequest, "since")]
    [InlineData("/api/symbols/NOPE/history", HttpStatusCode.NotFound, "'NOPE' is not a known symbol")]
    [InlineData("/api/symbols/A%20B/history", HttpStatusCode.BadRequest, "is not a valid symbol")]
    [InlineData("/api/symbols/ETH-USD/history", HttpStatusCode.Forbidden, "'ETH-USD' is not included")]
    public async Task History_BadRequests_AreProblemsNamingWhatWasWrong(string url, HttpStatusCode status, string detail)
    {
        using var client = await ClientAsync("ACME", "BTC-USD");
        using var response = await client.GetAsync(url).DefaultTimeout();
        Assert.Equal(status, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_WithoutAToken_Is401()
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync("/api/symbols/ACME/history").DefaultTimeout();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private void Publish(string symbol, int count)
    {
        var updates = Enumerable.Range(1, count).Select(i => new PriceUpdate(symbol, 100m + i)).ToArray();
        var result = Instruments.Record(updates);
        Assert.Equal(count, result.Accepted);
    }

    private async Task<HttpClient> ClientAsync(params string[] symbols)
    {
        var key = symbols.Length == 0 ? TickerAppFactory.DemoKey : await _app.CreateKeyAsync("user", symbols);
        return _app.CreateClient((await _app.GetTokenAsync(key)).AccessToken);
    }

    private static async Task<IEnumerable<long>> SequencesAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<Quote[]>(url).DefaultTimeout())!.Select(q => q.Sequence);
}
