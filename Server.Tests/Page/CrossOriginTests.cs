using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>
/// The page hosted on another origin: a second tiny server on another loopback port serves a copy of the page's files
/// (wwwroot), with a <c>&lt;meta name="ticker-server"&gt;</c> naming the ticker server, so the real page calls its API
/// and hub cross-origin.
/// </summary>
[Collection(PageTestGroup.Name)]
public sealed class CrossOriginTests(Chromium chromium) : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);
    private readonly List<IAsyncDisposable> _cleanup = [];
    private string? _html;
    private StaticOrigin? _allowed;
    private StaticOrigin? _other;
    private TickerPage? _page;

    public async Task InitializeAsync()
    {
        // The origins must exist before the server starts, since it reads Cors:AllowedOrigins then; the html they
        // serve needs the server's address, so it is filled in afterwards.
        _allowed = await StaticOrigin.StartAsync(() => _html!, servePageFiles: true);
        _other = await StaticOrigin.StartAsync(() => _html!, servePageFiles: true);
        _cleanup.Add(_allowed);
        _cleanup.Add(_other);
        _app.Settings["Ticker:IntervalMs"] = "50";
        _app.Settings["Cors:AllowedOrigins:0"] = _allowed.Origin;

        var server = _app.BaseAddress;
        using var http = new HttpClient { BaseAddress = server };
        _html = (await http.GetStringAsync(new Uri("/", UriKind.Relative)))
            .Replace("<head>", $"<head>\n  <meta name=\"ticker-server\" content=\"{server}\">", StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (_page is not null)
        {
            await _page.DisposeAsync();
        }

        await _app.DisposeAsync();
        foreach (var item in _cleanup)
        {
            await item.DisposeAsync();
        }
    }

    [ChromiumFact]
    public async Task AllowedOrigin_GetsATokenAndStreams()
    {
        _page = await OpenFromAsync(_allowed!);

        Assert.True("ok" == await TryTokenRequestAsync(), string.Join("\n", _page.Log));
        await _page.ConnectAsync(TickerAppFactory.DemoKey);

        await _page.ExpectConnectedAsync();
        await _page.ExpectPriceToMoveAsync("BTC-USD");
        await Expect(_page.Error).ToBeHiddenAsync();
        Assert.Contains(_allowed!.Origin + "/ticker.js", _page.Requests); // the page's own copy, not the server's
    }

    [ChromiumFact]
    public async Task OtherOrigin_TokenRequestIsBlockedByCors()
    {
        _page = await OpenFromAsync(_other!);

        Assert.Equal("blocked", await TryTokenRequestAsync());
        Assert.Contains(_page.Log, line => line.Contains("Access-Control-Allow-Origin", StringComparison.Ordinal));
        await _page.ConnectAsync(TickerAppFactory.DemoKey);

        await Expect(_page.Error).ToBeVisibleAsync();
        await Expect(_page.Error).ToContainTextAsync("Cors:AllowedOrigins");
        await Expect(_page.Status).Not.ToHaveAttributeAsync("data-state", "connected");
        Assert.DoesNotContain(200, _page.TokenResponses);
    }

    private async Task<TickerPage> OpenFromAsync(StaticOrigin origin)
    {
        var page = await TickerPage.OpenAsync(chromium, new Uri(origin.Origin + "/"));
        Assert.Equal(origin.Origin, await page.Page.EvaluateAsync<string>("() => location.origin"));
        Assert.NotEqual(origin.Origin, _app.BaseAddress.GetLeftPart(UriPartial.Authority));
        return page;
    }

    /// <summary>The page's own token request, made from the page's origin; a CORS refusal surfaces as a failed fetch.</summary>
    private Task<string> TryTokenRequestAsync() => _page!.Page.EvaluateAsync<string>(
        """
        key => fetch(new URL("api/auth/token", document.querySelector('meta[name="ticker-server"]').content), {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ apiKey: key }),
          }).then(r => r.ok ? "ok" : "status " + r.status, () => "blocked")
        """,
        TickerAppFactory.DemoKey);
}
