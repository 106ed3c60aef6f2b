using Microsoft.Extensions.DependencyInjection;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>The servers and pages of one page test, disposed together when it ends, newest first.</summary>
public sealed class PageHost(Chromium chromium) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    /// <summary>A real Kestrel server on a loopback port, ticking fast so tests see moves quickly.</summary>
    public TickerAppFactory StartApp(Action<TickerAppFactory>? configure = null, Action<IServiceCollection>? services = null)
    {
        var app = new TickerAppFactory(fakeTime: false, kestrel: true) { TestServices = services };
        app.Settings["Ticker:IntervalMs"] = "50";
        app.Settings["RateLimits:TokenPerMinute"] = "1000";
        configure?.Invoke(app);
        _cleanup.Add(app);
        return app;
    }

    /// <param name="query">Appended to the page's address, such as <c>?protocol=messagepack</c>.</param>
    public async Task<TickerPage> OpenAsync(TickerAppFactory app, int width = 1100, int height = 640, string query = "")
    {
        var page = await TickerPage.OpenAsync(chromium, new Uri(app.BaseAddress, query), width, height);
        _cleanup.Add(page);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            await item.DisposeAsync();
        }
    }
}
