using System.Text.RegularExpressions;
using SignalRTicker.Server.Tests.Page;

namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// The three steps in JavaScript, as Client/README.md and docs/embedding.md show them (only the server's address and
/// the key filled in), run as a module in Chromium against a real server: it logs quotes of both symbols.
/// </summary>
[Collection(PageTestGroup.Name)]
public sealed partial class ThreeStepsBrowserTests(Chromium chromium) : IAsyncLifetime
{
    private const string DocsServer = "http://localhost:5080";
    private const string DocsKey = "stk_your_key";

    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true);

    public Task InitializeAsync()
    {
        _app.Settings["Ticker:IntervalMs"] = "50";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [ChromiumFact]
    public async Task TheJavaScriptSteps_LogQuotesOfBothSymbols()
    {
        var steps = Assert.Single(MarkdownFile.Read("Client/README.md").CodeBlocks("js"));
        Assert.Contains(DocsServer, steps, StringComparison.Ordinal);
        Assert.Contains(DocsKey, steps, StringComparison.Ordinal);
        var module = steps
            .Replace(DocsServer, _app.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            .Replace(DocsKey, TickerAppFactory.DemoKey, StringComparison.Ordinal);

        await using var page = await TickerPage.OpenAsync(chromium, _app.BaseAddress);
        await page.Page.AddScriptTagAsync(new() { Type = "module", Content = module });

        foreach (var symbol in (string[])["BTC-USD", "ETH-USD"])
        {
            await TaskTimeoutExtensions.WaitUntilAsync(
                () => page.Log.Any(line => QuoteLine().Match(line) is { Success: true } m && m.Groups["symbol"].Value == symbol),
                TimeSpan.FromSeconds(15));
        }

        Assert.Contains(page.Log, line => line == "console info: connected");
    }

    [GeneratedRegex(@"^console log: (?<symbol>[A-Z]+-USD) \d+(\.\d+)? #\d+$")]
    private static partial Regex QuoteLine();
}
