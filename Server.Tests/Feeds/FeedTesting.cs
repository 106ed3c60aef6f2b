using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SignalRTicker.Server.Instruments;
using Microsoft.Extensions.Logging.Testing;

namespace SignalRTicker.Server.Tests.Feeds;

/// <summary>What the feed tests share: an app pointed at fake venues, its view of the symbols, and its log.</summary>
public static class FeedTesting
{
    /// <summary>The real app on fake time, logging to a collector, with <paramref name="settings"/> on top.</summary>
    public static TickerAppFactory CreateApp(params (string Key, string? Value)[] settings)
    {
        var app = new TickerAppFactory { TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()) };
        foreach (var (key, value) in settings)
        {
            app.Settings[key] = value;
        }

        return app;
    }

    /// <summary>One instrument as <c>GET /api/symbols</c> lists it for the demo key.</summary>
    public static async Task<InstrumentInfo> SymbolAsync(this TickerAppFactory app, string symbol)
    {
        var token = await app.GetTokenAsync();
        using var client = app.CreateClient(token.AccessToken);
        var all = await client.GetFromJsonAsync<InstrumentInfo[]>("/api/symbols").DefaultTimeout();
        return Assert.Single(all!, i => i.Symbol == symbol);
    }

    /// <summary>Waits until the instrument's stale mark is <paramref name="stale"/>, then checks <c>GET /api/symbols</c> shows it.</summary>
    public static async Task WaitForStaleAsync(this TickerAppFactory app, string symbol, bool stale)
    {
        var instruments = app.Services.GetRequiredService<InstrumentRegistry>();
        await TaskTimeoutExtensions.WaitUntilAsync(() => instruments.TryGet(symbol, out var instrument) && instrument.Stale == stale);
        Assert.Equal(stale, (await app.SymbolAsync(symbol)).Stale);
    }

    /// <summary>The log records of one event so far.</summary>
    public static List<FakeLogRecord> Logged(this TickerAppFactory app, string eventName) =>
        [.. app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Name == eventName)];

    /// <summary>Waits until the event has been logged <paramref name="count"/> times; returns those records.</summary>
    public static async Task<List<FakeLogRecord>> WaitForLogAsync(this TickerAppFactory app, string eventName, int count = 1)
    {
        await TaskTimeoutExtensions.WaitUntilAsync(() => app.Logged(eventName).Count >= count);
        return app.Logged(eventName);
    }

    /// <summary>
    /// Moves fake time on in small steps until <paramref name="condition"/> holds: a feed waiting out its backoff on
    /// the injected clock reconnects only when the test moves it.
    /// </summary>
    public static Task AdvanceUntilAsync(this TickerAppFactory app, Func<bool> condition, TimeSpan? step = null) =>
        TaskTimeoutExtensions.WaitUntilAsync(() =>
        {
            if (condition())
            {
                return true;
            }

            app.Time!.Advance(step ?? TimeSpan.FromMilliseconds(250));
            return false;
        });

    public static long DelayMs(this FakeLogRecord record) => long.Parse(record.GetStructuredStateValue("DelayMs")!, System.Globalization.CultureInfo.InvariantCulture);
}
