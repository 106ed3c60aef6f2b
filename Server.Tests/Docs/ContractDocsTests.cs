using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Tests.Page;

namespace SignalRTicker.Server.Tests.Docs;

/// <summary>
/// What the server offers is in the docs: every route it maps (README.md and docs/), every hub method in both
/// directions (docs/hub.md), and every test id the page carries (docs/page.md).
/// </summary>
public sealed partial class ContractDocsTests
{
    [Fact]
    public async Task EveryMappedRoute_IsDocumented()
    {
        await using var app = new TickerAppFactory();
        _ = app.Server; // builds the host, so its endpoints exist
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(endpoint => "/" + endpoint.RoutePattern.RawText!.Trim('/'))
            .Where(route => !route.EndsWith("/negotiate", StringComparison.Ordinal)) // SignalR's own, part of the hub
            .Distinct()
            .ToList();
        Assert.Contains("/api/quotes", routes);
        Assert.Contains("/hubs/ticker", routes);

        var docs = string.Join('\n', new[] { MarkdownFile.Read("README.md") }
            .Concat(MarkdownFile.All().Where(file => file.Name.StartsWith("docs/", StringComparison.Ordinal)))
            .Select(file => file.Text));
        var missing = routes.Where(route => !Regex.IsMatch(docs, AsWritten(route))).ToList();
        Assert.True(missing.Count == 0, "Routes no page of docs/ names: " + string.Join(", ", missing));
    }

    /// <summary>
    /// A route as the docs may write it: each parameter as a placeholder of any name (<c>{jti}</c> for
    /// <c>{tokenId}</c>) or as an example value (<c>v1</c>); an optional or catch-all last segment may be left out.
    /// </summary>
    private static string AsWritten(string route)
    {
        var pattern = new StringBuilder();
        var at = 0;
        foreach (Match parameter in RouteParameter().Matches(route))
        {
            pattern.Append(Regex.Escape(route[at..parameter.Index]));
            var name = parameter.Groups["name"].Value;
            var value = @"(\{[^{}\s]*\}|[\w.:-]+)";
            var optional = name.StartsWith('*') || name.EndsWith('?');
            if (optional && pattern.Length > 0 && pattern[^1] == '/')
            {
                pattern.Length--;
                pattern.Append("(/").Append(value).Append(")?");
            }
            else
            {
                pattern.Append(value);
            }

            at = parameter.Index + parameter.Length;
        }

        return pattern.Append(Regex.Escape(route[at..])).Append(@"(?![\w/{-])").ToString();
    }

    [Theory]
    [InlineData(typeof(ITickerHub))]
    [InlineData(typeof(ITickerClient))]
    public void EveryHubMethod_HasItsPlaceInTheHubDocs(Type contract)
    {
        var hub = MarkdownFile.Read("docs/hub.md").Text;
        var methods = contract.GetMethods(BindingFlags.Public | BindingFlags.Instance).Select(method => method.Name).ToList();
        Assert.NotEmpty(methods);
        foreach (var method in methods)
        {
            Assert.True(Regex.IsMatch(hub, $@"^\| \[?`{method}[`(]", RegexOptions.Multiline),
                $"docs/hub.md has no table row for {contract.Name}.{method}.");
        }
    }

    [Fact]
    public void EveryTestIdOfThePage_IsDocumented()
    {
        var web = Path.Combine(Repository.Root, "wwwroot");
        var ids = Directory.EnumerateFiles(web, "*.html").Concat(Directory.EnumerateFiles(web, "*.js"))
            .SelectMany(file => TestId().Matches(File.ReadAllText(file)).Select(m => m.Groups["id"].Value))
            .Distinct()
            .ToList();
        Assert.Contains("quote-row", ids);

        var page = MarkdownFile.Read("docs/page.md").Text;
        var missing = ids.Where(id => !page.Contains($"`{id}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/page.md does not list the test ids: " + string.Join(", ", missing));
    }

    [GeneratedRegex(@"\{(?<name>[^{}]*)\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"data-testid=""(?<id>[a-z0-9-]+)""")]
    private static partial Regex TestId();
}
