using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// The ten lines of docs/embedding.md, served as they are written by another site (a second loopback server), with
/// only the server's address and the key filled in: the page imports lib/ticker-client.js from the ticker server and
/// shows live quotes when its origin is in Cors:AllowedOrigins, and says what to fix when it is not.
/// </summary>
[Collection(PageTestGroup.Name)]
public sealed class EmbeddingTests(Chromium chromium) : IAsyncLifetime
{
    private const string DocsServer = "https://ticker.example.com";
    private const string DocsKey = "stk_your_key";

    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);
    private readonly List<IAsyncDisposable> _cleanup = [];
    private string? _html;
    private StaticOrigin? _allowed;
    private StaticOrigin? _other;

    public async Task InitializeAsync()
    {
        // The origins must exist before the server starts, since it reads Cors:AllowedOrigins then; the html they
        // serve needs the server's address, so it is filled in afterwards.
        _allowed = await StaticOrigin.StartAsync(() => _html!, servePageFiles: false);
        _other = await StaticOrigin.StartAsync(() => _html!, servePageFiles: false);
        _cleanup.Add(_allowed);
        _cleanup.Add(_other);
        _app.Settings["Ticker:IntervalMs"] = "50";
        _app.Settings["Cors:AllowedOrigins:0"] = _allowed.Origin;

        _html = DocsSnippet()
            .Replace(DocsServer, _app.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            .Replace(DocsKey, TickerAppFactory.DemoKey, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [ChromiumFact]
    public async Task DocsPage_OnAnAllowedOrigin_ShowsMovingPrices()
    {
        var page = await OpenFromAsync(_allowed!);

        foreach (var symbol in (string[])["BTC-USD", "ETH-USD"])
        {
            var row = page.Page.Locator($"#prices li[id=\"{symbol}\"]");
            await Expect(row).ToHaveTextAsync(new Regex($"^{symbol} \\d"));
            var before = await row.TextContentAsync();
            await Expect(row).Not.ToHaveTextAsync(before!);
        }

        await Expect(page.Page.Locator("#problem")).ToBeHiddenAsync();
        // The client and SignalR came from the ticker server, the page alone from its own site.
        var server = _app.BaseAddress.GetLeftPart(UriPartial.Authority) + "/";
        Assert.Contains(server + "lib/ticker-client.js", page.Requests);
        Assert.Contains(server + "lib/signalr/signalr.min.js", page.Requests);
        Assert.DoesNotContain(page.Requests, url => url.StartsWith(_allowed!.Origin + "/", StringComparison.Ordinal)
                                                    && url != _allowed.Origin + "/");
        // The hub's WebSocket carries a single-use ticket, never the key.
        Assert.Contains(page.Requests, url => url.StartsWith("ws" + server[4..] + "hubs/ticker", StringComparison.Ordinal)
                                              && url.Contains("access_token=", StringComparison.Ordinal));
        Assert.DoesNotContain(page.Requests, url => url.Contains(TickerAppFactory.DemoKey, StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task DocsPage_OnAnOriginNotAllowed_SaysToAllowItAndConnectsNothing()
    {
        var page = await OpenFromAsync(_other!);

        var problem = page.Page.Locator("#problem");
        await Expect(problem).ToBeVisibleAsync();
        await Expect(problem).ToContainTextAsync("Cors:AllowedOrigins");
        await Expect(page.Page.Locator("#prices li")).ToHaveCountAsync(0);
        // The browser's own words, in the console, name the module and CORS.
        await TaskTimeoutExtensions.WaitUntilAsync(
            () => page.Log.Any(line => line.Contains("lib/ticker-client.js", StringComparison.Ordinal)
                                       && line.Contains("blocked by CORS policy", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(page.Requests, url => url.Contains("/api/auth/", StringComparison.Ordinal));
        Assert.DoesNotContain(page.Requests, url => url.Contains("/hubs/ticker", StringComparison.Ordinal));
    }

    private async Task<TickerPage> OpenFromAsync(StaticOrigin origin)
    {
        var page = await TickerPage.OpenAsync(chromium, new Uri(origin.Origin + "/"));
        _cleanup.Add(page);
        Assert.Equal(origin.Origin, await page.Page.EvaluateAsync<string>("() => location.origin"));
        return page;
    }

    /// <summary>The first html block of docs/embedding.md, which must name the docs' server and key to be filled in.</summary>
    private static string DocsSnippet()
    {
        var docs = File.ReadAllText(Path.Combine(Repository.Root, "docs", "embedding.md"));
        const string Fence = "```html\n";
        var start = docs.IndexOf(Fence, StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/embedding.md has no ```html block.");
        start += Fence.Length;
        var html = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Contains(DocsServer + "/lib/ticker-client.js", html, StringComparison.Ordinal);
        Assert.Contains(DocsKey, html, StringComparison.Ordinal);
        return html;
    }
}
