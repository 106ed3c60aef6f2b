using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.OpenApi;

namespace SignalRTicker.Server.Tests.OpenApi;

/// <summary>
/// The document at /openapi/v1.json describes every HTTP endpoint the app maps, read from the app's own route table,
/// with the answers each can give: a new endpoint, or one that loses its metadata, fails here instead of drifting.
/// </summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private const string Problem = "application/problem+json";

    private readonly TickerAppFactory _app = new();

    private JsonNode _document = null!;

    public async Task InitializeAsync()
    {
        using var client = _app.CreateClient();
        _document = (await client.GetFromJsonAsync<JsonNode>(OpenApiExtensions.DocumentPath).DefaultTimeout())!;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public void EveryMappedHttpEndpoint_IsInTheDocument_WithEachOfItsMethods()
    {
        var endpoints = HttpEndpoints();
        Assert.Contains(endpoints, e => e.Path == "/api/auth/token" && e.Method == "POST");
        Assert.Contains(endpoints, e => e.Path == "/healthz" && e.Method == "GET");
        Assert.Contains(endpoints, e => e.Path == "/metrics" && e.Method == "GET");

        var missing = endpoints.Where(e => Operation(e) is null).Select(e => $"{e.Method} {e.Path}").ToList();
        Assert.True(missing.Count == 0, $"Not in {OpenApiExtensions.DocumentPath}: {string.Join(", ", missing)}");

        var described = Paths().SelectMany(path => ((JsonObject)_document["paths"]![path]!).Select(op => $"{op.Key.ToUpperInvariant()} {path}")).Order().ToList();
        Assert.Equal(endpoints.Select(e => $"{e.Method} {e.Path}").Order().ToList(), described);
    }

    [Fact]
    public void EveryOperation_DeclaresItsSuccess_AndTheProblemsItCanAnswer()
    {
        var wrong = new List<string>();
        foreach (var endpoint in HttpEndpoints())
        {
            var name = $"{endpoint.Method} {endpoint.Path}";
            var responses = (JsonObject)Operation(endpoint)!["responses"]!;
            if (!responses.Any(r => r.Key.StartsWith('2')))
            {
                wrong.Add($"{name}: no success response");
            }

            foreach (var (status, response) in responses.Where(r => r.Key.StartsWith('4') || r.Key == "503" && r.Value!["content"]?[Problem] is not null))
            {
                if (response!["content"]?[Problem]?["schema"]?["$ref"]?.GetValue<string>() is not "#/components/schemas/ProblemDetails" and not "#/components/schemas/HttpValidationProblemDetails")
                {
                    wrong.Add($"{name}: {status} is not {Problem} with a ProblemDetails schema");
                }
            }

            var metadata = endpoint.Metadata;
            var required = new List<string>();
            if (NeedsToken(metadata))
            {
                required.AddRange(["401", "429"]);
            }

            if (metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == TickerPolicies.Admin))
            {
                required.Add("403");
            }

            if (metadata.GetMetadata<IAcceptsMetadata>() is not null)
            {
                required.Add("400");
            }

            if (metadata.GetMetadata<ApiKeyExchange>() is not null)
            {
                required.AddRange(["400", "401", "429"]);
            }

            wrong.AddRange(required.Distinct().Where(status => responses[status] is null).Select(status => $"{name}: no {status} response"));
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public void EndpointsThatNeedAToken_CarryTheBearerRequirement_AndOnlyThose()
    {
        foreach (var endpoint in HttpEndpoints())
        {
            var security = Operation(endpoint)!["security"]?.AsArray();
            if (NeedsToken(endpoint.Metadata))
            {
                Assert.True(security?.Any(requirement => requirement!["Bearer"] is not null) == true, $"{endpoint.Method} {endpoint.Path} does not say it needs a Bearer token");
            }
            else
            {
                Assert.True(security is null || security.Count == 0, $"{endpoint.Method} {endpoint.Path} needs no token but says it does");
            }
        }
    }

    [Fact]
    public void TheBearerScheme_IsDeclared()
    {
        var scheme = _document["components"]!["securitySchemes"]!["Bearer"]!;

        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());
    }

    [Fact]
    public void TheDocumentVersion_IsTheAssemblyVersion()
    {
        var version = typeof(OpenApiExtensions).Assembly.GetName().Version!;

        Assert.Equal(version.ToString(3), _document["info"]!["version"]!.GetValue<string>());
        Assert.Equal("1.0.0", version.ToString(3));
    }

    [Fact]
    public void RequestBodies_AndResponses_NameTheirTypes()
    {
        var token = _document["paths"]!["/api/auth/token"]!["post"]!;

        Assert.Equal("#/components/schemas/TokenRequest", token["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/TokenResponse", token["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(_document["components"]!["schemas"]!["QuoteInput"]);
    }

    [Fact]
    public void EveryOperation_IsOnTheHttpApiPage()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "http-api.md"));

        var missing = Paths()
            .SelectMany(path => ((JsonObject)_document["paths"]![path]!).Select(op => $"`{op.Key.ToUpperInvariant()} {path}`"))
            .Where(operation => !page.Contains(operation, StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, $"docs/http-api.md does not describe {string.Join(", ", missing)}");
    }

    /// <summary>Each HTTP method of each mapped endpoint, but the hub's (SignalR: docs/hub.md) and the description's own.</summary>
    private List<(string Method, string Path, EndpointMetadataCollection Metadata)> HttpEndpoints()
    {
        var result = new List<(string, string, EndpointMetadataCollection)>();
        foreach (var endpoint in _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = DocumentPath(endpoint.RoutePattern.RawText!);
            if (endpoint.Metadata.GetMetadata<HubMetadata>() is not null
                || path.StartsWith("/openapi/", StringComparison.Ordinal)
                || path == OpenApiExtensions.ReferencePath || path.StartsWith(OpenApiExtensions.ReferencePath + "/", StringComparison.Ordinal))
            {
                continue;
            }

            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            Assert.True(methods is { Count: > 0 }, $"{path} takes any HTTP method; declare the ones it serves (HttpMethodMetadata) so it can be described");
            result.AddRange(methods.Select(method => (method, path, endpoint.Metadata)));
        }

        return result;
    }

    private static bool NeedsToken(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<IAuthorizeData>() is not null && metadata.GetMetadata<IAllowAnonymous>() is null;

    private JsonNode? Operation((string Method, string Path, EndpointMetadataCollection _) endpoint) =>
        _document["paths"]?[endpoint.Path]?[endpoint.Method.ToLowerInvariant()];

    private IEnumerable<string> Paths() => ((JsonObject)_document["paths"]!).Select(p => p.Key);

    /// <summary>A route pattern as the document writes it: no trailing slash, no constraints.</summary>
    private static string DocumentPath(string pattern) =>
        RouteConstraint().Replace("/" + pattern.Trim('/'), "{$1}");

    [GeneratedRegex(@"\{(\w+)[^}]*\}")]
    private static partial Regex RouteConstraint();
}
