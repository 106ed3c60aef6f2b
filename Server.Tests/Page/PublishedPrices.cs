using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>Published instruments of a page test's server, and a publisher that pushes their prices through POST /api/quotes.</summary>
public sealed class PublishedPrices(TickerAppFactory app)
{
    private string? _publisherKey;

    public InstrumentRegistry Registry => app.Services.GetRequiredService<InstrumentRegistry>();

    /// <summary>Adds published instruments, and a publisher key entitled to them.</summary>
    public async Task AddAsync(params string[] symbols)
    {
        foreach (var symbol in symbols)
        {
            Assert.True(Registry.Add(symbol, InstrumentSource.Published), $"{symbol} exists already");
        }

        _publisherKey = await app.CreateKeyAsync("publisher", symbols);
    }

    public async Task PublishAsync(params QuoteInput[] quotes)
    {
        using var client = app.CreateClient((await app.GetTokenAsync(_publisherKey ?? throw new InvalidOperationException("AddAsync first."))).AccessToken);
        using var response = await client.PostAsJsonAsync("/api/quotes", quotes).DefaultTimeout();
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var result = await response.Content.ReadFromJsonAsync<PublishResult>().DefaultTimeout();
        Assert.Equal(new PublishResult(quotes.Length, 0), result);
    }

    /// <summary>Publishes <paramref name="symbol"/> at the prices <paramref name="from"/> to <paramref name="to"/>, one quote each, in one batch.</summary>
    public Task PublishRangeAsync(string symbol, int from, int to) =>
        PublishAsync([.. Enumerable.Range(from, to - from + 1).Select(price => new QuoteInput(symbol, price))]);
}
