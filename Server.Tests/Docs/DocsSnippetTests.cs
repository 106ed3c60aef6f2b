using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SignalRTicker.Server.Tests.Page;

namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// The code of the docs, as written (only the server's address and the key filled in), against a real server on a
/// loopback port: docs/hub.md's C# compiled with Roslyn and run, its JavaScript run in Chromium on the gateway's own
/// origin, and the three steps of the browser module (Client/README.md, docs/embedding.md) run as a module.
/// </summary>
[Collection(PageTestGroup.Name)]
public sealed partial class DocsSnippetTests(Chromium chromium) : IAsyncLifetime
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

    [Fact]
    public async Task CSharpSnippets_CompileAndRun_SubscribingAndPublishing()
    {
        var blocks = HubDocs().CodeBlocks("csharp");
        Assert.True(blocks.Count >= 2, "docs/hub.md has fewer C# blocks than this test expects.");
        Assert.All(blocks.Take(1), block => Assert.Contains(DocsServer, block, StringComparison.Ordinal));
        var snippet = CSharpSnippet.Compile([.. blocks.Select(block => block.Replace(DocsServer, Address, StringComparison.Ordinal))]);
        await AddPublishedInstrumentAsync("ACME");

        // The snippets print each quote as "SYMBOL PRICE #SEQUENCE" and the publish result; the admin key may do both.
        await snippet.RunAsync(TickerAppFactory.AdminKey, () => TaskTimeoutExtensions.WaitUntilAsync(
            () => QuoteLine().IsMatch(snippet.Output.ToString()), TimeSpan.FromSeconds(15)));

        var output = snippet.Output.ToString();
        Assert.Contains("accepted 1, ignored 0", output, StringComparison.Ordinal);
        Assert.Matches(QuoteLine(), output);
        using var client = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        var latest = await client.GetFromJsonAsync<JsonElement>("/api/symbols/ACME").DefaultTimeout();
        Assert.Equal(12.50m, latest.GetProperty("price").GetDecimal());
    }

    [ChromiumFact]
    public async Task JavaScriptSnippets_RunInTheBrowser_SubscribeAndResume()
    {
        var blocks = HubDocs().CodeBlocks("js");
        Assert.True(blocks.Count >= 2, "docs/hub.md has fewer JavaScript blocks than this test expects.");
        await using var page = await TickerPage.OpenAsync(chromium, _app.BaseAddress);
        await page.Page.AddScriptTagAsync(new() { Url = "/lib/signalr/signalr.min.js" });

        // The blocks run in order in one async function; console.log is captured, then the connection waits for one
        // pushed quote and stops.
        var script = $$"""
            async (apiKey) => {
              const logs = [];
              const console = { log: (...a) => logs.push(a.join(" ")), warn: (...a) => logs.push(a.join(" ")) };
              {{string.Join("\n", blocks)}}
              await new Promise((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error("no quote was pushed within 10 s")), 10000);
                connection.on("Quote", () => { clearTimeout(timer); resolve(); });
              });
              await connection.stop();
              return { logs, snapshot, subscriptions, recoveries };
            }
            """;
        var result = await page.Page.EvaluateAsync<JsonElement>(script, TickerAppFactory.DemoKey);

        Assert.Equal(["BTC-USD", "ETH-USD"], result.GetProperty("snapshot").EnumerateArray().Select(q => q.GetProperty("symbol").GetString()));
        Assert.Equal(["BTC-USD", "ETH-USD"], result.GetProperty("subscriptions").EnumerateArray().Select(s => s.GetString()));
        Assert.All(result.GetProperty("recoveries").EnumerateArray(), r => Assert.True(r.GetProperty("recovered").GetBoolean()));
        var logs = result.GetProperty("logs").EnumerateArray().Select(line => line.GetString()!).ToList();
        Assert.Contains(logs, line => JsQuoteLine().IsMatch(line));
        Assert.Contains(logs, line => line.StartsWith("BTC-USD ", StringComparison.Ordinal) && line.EndsWith("missed quotes replayed", StringComparison.Ordinal));
        // The browser snippet connects with tickets: the JWT never appears in a URL.
        Assert.Contains(page.Requests, url => url.Contains("/hubs/ticker", StringComparison.Ordinal) && url.Contains("access_token=tkt_", StringComparison.Ordinal));
        Assert.DoesNotContain(page.Requests, url => url.Contains("access_token=eyJ", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task TheBrowserModulesThreeSteps_LogQuotesOfBothSymbols()
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
                () => page.Log.Any(line => ModuleQuoteLine().Match(line) is { Success: true } m && m.Groups["symbol"].Value == symbol),
                TimeSpan.FromSeconds(15));
        }

        Assert.Contains(page.Log, line => line == "console info: connected");
    }

    private string Address => _app.BaseAddress.GetLeftPart(UriPartial.Authority);

    private static MarkdownFile HubDocs() => MarkdownFile.Read("docs/hub.md");

    private async Task AddPublishedInstrumentAsync(string symbol)
    {
        using var admin = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        using var created = await admin.PostAsJsonAsync("/api/admin/symbols", new { symbol, source = "published" }).DefaultTimeout();
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
    }

    [GeneratedRegex(@"^BTC-USD \d+(\.\d+)? #\d+\r?$", RegexOptions.Multiline)]
    private static partial Regex QuoteLine();

    [GeneratedRegex(@"^(BTC|ETH)-USD \d+(\.\d+)? \d+$")]
    private static partial Regex JsQuoteLine();

    [GeneratedRegex(@"^console log: (?<symbol>[A-Z]+-USD) \d+(\.\d+)? #\d+$")]
    private static partial Regex ModuleQuoteLine();
}
