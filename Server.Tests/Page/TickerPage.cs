using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>The page in one fresh browser context, with every request it makes recorded.</summary>
public sealed class TickerPage : IAsyncDisposable
{
    /// <summary>Every wait in a page test is for a condition, with this deadline unless the test says otherwise.</summary>
    public const float Timeout = 15_000;

    private readonly IBrowserContext _context;
    private readonly List<string> _frames = [];

    private TickerPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Request += (_, request) => Requests.Add(request.Url);
        page.WebSocket += (_, socket) =>
        {
            Requests.Add(socket.Url);
            socket.FrameReceived += (_, frame) =>
            {
                lock (_frames)
                {
                    _frames.Add(frame.Text ?? "");
                }
            };
        };
        page.Response += (_, response) =>
        {
            if (response.Url.EndsWith("/api/auth/token", StringComparison.Ordinal) && response.Request.Method == "POST")
            {
                TokenResponses.Add(response.Status);
            }
        };
        page.Console += (_, message) => Log.Enqueue($"console {message.Type}: {message.Text}");
        page.RequestFailed += (_, request) => Log.Enqueue($"failed {request.Method} {request.Url}: {request.Failure}");
        page.SetDefaultTimeout(Timeout);
    }

    public IPage Page { get; }

    /// <summary>Console messages and failed requests, for a failing test's output.</summary>
    public ConcurrentQueue<string> Log { get; } = [];

    /// <summary>URLs of every HTTP request and WebSocket the page opened.</summary>
    public ConcurrentBag<string> Requests { get; } = [];

    /// <summary>Status codes of the page's token requests, in any order.</summary>
    public ConcurrentBag<int> TokenResponses { get; } = [];

    /// <summary>How many received frames mention <paramref name="other"/> after the last one that mentions <paramref name="gone"/>.</summary>
    public int FramesSinceLast(string gone, string other)
    {
        lock (_frames)
        {
            var last = _frames.FindLastIndex(f => f.Contains(gone, StringComparison.Ordinal));
            return _frames.Skip(last + 1).Count(f => f.Contains(other, StringComparison.Ordinal));
        }
    }

    /// <summary>The text of every WebSocket frame received so far, in the order received.</summary>
    public IReadOnlyList<string> Frames()
    {
        lock (_frames)
        {
            return [.. _frames];
        }
    }

    /// <summary>How many received frames contain <paramref name="text"/>.</summary>
    public int FramesContaining(string text)
    {
        lock (_frames)
        {
            return _frames.Count(f => f.Contains(text, StringComparison.Ordinal));
        }
    }

    public ILocator Status => Page.GetByTestId("status");

    public ILocator Error => Page.GetByTestId("error");

    public ILocator Rows => Page.GetByTestId("quote-row");

    public ILocator Row(string symbol) => Page.Locator($"[data-testid=quote-row][data-symbol=\"{symbol}\"]");

    public ILocator Price(string symbol) => Row(symbol).GetByTestId("price");

    public ILocator Sparkline(string symbol) => Row(symbol).GetByTestId("sparkline");

    /// <summary>The row's marker for an instrument whose upstream feed the server calls stale.</summary>
    public ILocator StaleMarker(string symbol) => Row(symbol).GetByTestId("stale-marker");

    /// <summary>The row's marker for quotes lost while the connection was down (Resume could not recover them).</summary>
    public ILocator NotRecovered(string symbol) => Row(symbol).GetByTestId("not-recovered");

    /// <summary>The price chart; <c>data-symbol</c> and <c>data-points</c> say what it shows.</summary>
    public ILocator Chart => Page.GetByTestId("chart");

    public ILocator ChartSymbol => Page.GetByTestId("chart-symbol");

    public ILocator Gaps => Page.GetByTestId("gaps");

    /// <summary>Rows the page does not show as dimmed (their price is live).</summary>
    public ILocator LiveRows => Page.Locator("[data-testid=quote-row]:not(.not-live)");

    public ILocator KeyField => Page.GetByTestId("api-key");

    public ILocator ConnectButton => Page.GetByTestId("connect");

    public ILocator DisconnectButton => Page.GetByTestId("disconnect");

    /// <summary>
    /// With no session (a refused or revoked key, or Disconnect), the status, the key field, the buttons and the rows
    /// agree: it asks for a key, nothing can be disconnected or added, and no price shows as live.
    /// </summary>
    public async Task ExpectNoSessionAsync(string? detail = null)
    {
        await Expect(Status).ToHaveAttributeAsync("data-state", "disconnected");
        await Expect(Status).ToHaveTextAsync(detail is null ? "disconnected" : $"disconnected · {detail}");
        await Expect(KeyField).ToHaveAttributeAsync("placeholder", "stk_…");
        await Expect(KeyField).ToHaveValueAsync("");
        await Expect(KeyField).ToBeEditableAsync();
        await Expect(ConnectButton).ToBeEnabledAsync();
        await Expect(DisconnectButton).ToBeHiddenAsync();
        await Expect(Page.GetByTestId("symbol-input")).ToBeDisabledAsync();
        await Expect(Page.GetByTestId("subscribe")).ToBeDisabledAsync();
        await Expect(LiveRows).ToHaveCountAsync(0);
    }

    public static async Task<TickerPage> OpenAsync(Chromium chromium, Uri url, int width = 1100, int height = 640)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Dark,
            Locale = "en-US", // so prices read 1,234.50 in every test's assertions
        });
        var page = new TickerPage(context, await context.NewPageAsync());
        await page.Page.GotoAsync(url.ToString());
        return page;
    }

    public async Task ConnectAsync(string apiKey)
    {
        await Page.GetByTestId("api-key").FillAsync(apiKey);
        await Page.GetByTestId("connect").ClickAsync();
    }

    public async Task ExpectConnectedAsync(float timeout = Timeout)
    {
        await Expect(Status).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = timeout });
        await Expect(Status).ToContainTextAsync("connected");
    }

    /// <summary>Waits until the symbol's price shows a value other than the one it shows now.</summary>
    public async Task ExpectPriceToMoveAsync(string symbol, float timeout = Timeout)
    {
        var price = Price(symbol);
        await Expect(price).Not.ToHaveTextAsync("–", new() { Timeout = timeout });
        var before = await price.TextContentAsync();
        await Expect(price).Not.ToHaveTextAsync(before!, new() { Timeout = timeout });
    }

    /// <summary>Waits until the row's sparkline is drawn across the canvas to its left edge: a full window of prices.</summary>
    public async Task ExpectSparklineFilledAsync(string symbol) =>
        await Page.WaitForFunctionAsync(
            """
            symbol => {
              const canvas = document.querySelector(`[data-testid=quote-row][data-symbol="${symbol}"] canvas`);
              const column = canvas.getContext('2d').getImageData(0, 0, 3, canvas.height).data;
              return column.some((value, i) => i % 4 === 3 && value > 0);
            }
            """,
            symbol);

    /// <summary>Waits until the chart has drawn: some canvas inside it has ink.</summary>
    public async Task ExpectChartDrawnAsync() =>
        await Page.WaitForFunctionAsync(
            """
            () => [...document.querySelectorAll('[data-testid=chart] canvas')].some(canvas => {
              if (canvas.width === 0 || canvas.height === 0) return false;
              const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
              return false;
            })
            """);

    /// <summary>Saves a screenshot under the repository's TestResults/page (ignored by git), and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(Artifacts.Folder, name);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
