using System.Net;
using System.Text.RegularExpressions;
using SignalRTicker.Server.OpenApi;

namespace SignalRTicker.Server.Tests.OpenApi;

/// <summary>
/// The interactive reference at /docs: served in Development with everything it loads from this server (it must work
/// offline and tell no third party who reads it); in Production off with the document, unless OpenApi:Enabled says so.
/// </summary>
public sealed partial class ApiReferenceTests
{
    [Fact]
    public async Task Reference_InDevelopment_IsServed_AndLoadsNothingFromElsewhere()
    {
        await using var app = new TickerAppFactory();
        using var client = app.CreateClient();

        using var page = await client.GetAsync(new Uri(OpenApiExtensions.ReferencePath + "/", UriKind.Relative)).DefaultTimeout();
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotMatch(ExternalUrl(), html);
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.Contains("scalar.js", scripts);
        foreach (var script in scripts)
        {
            using var loaded = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, OpenApiExtensions.ReferencePath + "/"), script)).DefaultTimeout();
            Assert.True(loaded.StatusCode == HttpStatusCode.OK, $"{script}: {loaded.StatusCode}");
        }
    }

    [Fact]
    public async Task DocumentAndReference_InProduction_AreNotServed_ByDefault()
    {
        await using var app = new TickerAppFactory { Environment = "Production" };
        using var client = app.CreateClient();

        using var document = await client.GetAsync(new Uri(OpenApiExtensions.DocumentPath, UriKind.Relative)).DefaultTimeout();
        using var reference = await client.GetAsync(new Uri(OpenApiExtensions.ReferencePath + "/", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, document.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, reference.StatusCode);
    }

    [Fact]
    public async Task DocumentAndReference_InProduction_AreServed_WhenEnabled()
    {
        await using var app = new TickerAppFactory { Environment = "Production" };
        app.Settings[TickerOpenApiOptions.EnabledKey] = "true";
        using var client = app.CreateClient();

        using var document = await client.GetAsync(new Uri(OpenApiExtensions.DocumentPath, UriKind.Relative)).DefaultTimeout();
        using var reference = await client.GetAsync(new Uri(OpenApiExtensions.ReferencePath + "/", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        // Outside Development the scrape needs an admin token, and the document says so.
        Assert.Contains("\"Bearer\"", System.Text.Json.Nodes.JsonNode.Parse(await document.Content.ReadAsStringAsync())!["paths"]!["/metrics"]!["get"]!["security"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_InDevelopment_CanBeTurnedOff()
    {
        await using var app = new TickerAppFactory();
        app.Settings[TickerOpenApiOptions.EnabledKey] = "false";
        using var client = app.CreateClient();

        using var reference = await client.GetAsync(new Uri(OpenApiExtensions.ReferencePath + "/", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, reference.StatusCode);
    }

    [GeneratedRegex(@"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@"<script[^>]*\bsrc=""(?<src>[^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
