using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalRTicker.Server.Health;
using SignalRTicker.Server.Metrics;
using SignalRTicker.Server.Tests.Fixtures;

namespace SignalRTicker.Server.Tests.Startup;

/// <summary>
/// The server in Production as docs/deployment.md runs it, as a process of its own: JSON log lines, the first admin
/// key made by the keys command, <c>/metrics</c> on a port of its own, and Kestrel's own HTTPS.
/// </summary>
public sealed class ProductionProcessTests : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private const string ShownOnce = "API key (shown once): ";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ticker-production-");

    public void Dispose() => _folder.Delete(recursive: true);

    private Dictionary<string, string?> Settings() => new()
    {
        ["ConnectionStrings:Ticker"] = $"Data Source={_folder.FullName}/data/ticker.db",
        ["Auth:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
    };

    [Fact]
    public async Task Production_WritesEveryLogLineAsJson()
    {
        await using var server = ServerProcess.Start(_folder.FullName, "Production", Settings(), "--urls", "http://127.0.0.1:0");

        var started = await server.LineAsync(line => line.Contains("Application started", StringComparison.Ordinal), StartDeadline);

        var lines = server.Stdout.Where(line => line.Length > 0).ToList();
        Assert.True(lines.Count >= 2, string.Join('\n', lines));
        Assert.All(lines, line =>
        {
            var entry = JsonDocument.Parse(line).RootElement;
            Assert.True(entry.TryGetProperty("EventId", out _), line);
            Assert.True(entry.TryGetProperty("LogLevel", out _), line);
            Assert.True(entry.TryGetProperty("Category", out _), line);
        });
        Assert.Equal("Microsoft.Hosting.Lifetime", JsonDocument.Parse(started).RootElement.GetProperty("Category").GetString());
        Assert.Contains("\"LogLevel\":\"Information\"", started, StringComparison.Ordinal); // what other tests look for, written this way
    }

    [Fact]
    public async Task FirstAdminKey_FromTheKeysCommandInProduction_IsPrintedOnce_Works_AndIsNeverLogged()
    {
        var settings = Settings();
        string secret;
        await using (var command = ServerProcess.Start(_folder.FullName, "Production", settings, "keys", "create", "--role", "admin", "--name", "ops", "--symbols", "*"))
        {
            var exitCode = await command.ExitCodeAsync(StartDeadline);
            Assert.True(exitCode == 0, $"exit code {exitCode}\n{string.Join('\n', command.Stdout.Concat(command.Stderr))}");
            secret = Assert.Single(command.Stdout, line => line.StartsWith(ShownOnce, StringComparison.Ordinal))[ShownOnce.Length..].Trim();
            Assert.Single(command.Stdout.Concat(command.Stderr), line => line.Contains(secret, StringComparison.Ordinal));
        }

        var port = FreePort.Next();
        await using var server = ServerProcess.Start(_folder.FullName, "Production", settings, "--urls", $"http://127.0.0.1:{port}");
        await server.LineAsync(line => line.Contains("Application started", StringComparison.Ordinal), StartDeadline);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using var response = await http.PostAsJsonAsync("/api/auth/token", new { apiKey = secret }).DefaultTimeout();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        using var keys = new HttpRequestMessage(HttpMethod.Get, "/api/admin/keys") { Headers = { Authorization = new("Bearer", token!.AccessToken) } };
        using var listed = await http.SendAsync(keys).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("admin", token.Role);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.DoesNotContain(server.Stdout.Concat(server.Stderr), line => line.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MetricsPort_ServesMetricsWithoutAToken_AndNothingElse_WhileTheMainPortAnswers404ForThem()
    {
        var (port, metricsPort) = (FreePort.Next(), FreePort.Next());
        var settings = Settings();
        settings["Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture);
        await using var server = ServerProcess.Start(_folder.FullName, "Production", settings, "--urls", $"http://127.0.0.1:{port}");
        await server.LineAsync(line => line.Contains("Application started", StringComparison.Ordinal), StartDeadline);
        using var main = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };

        using var scraped = await metrics.GetAsync(MetricsExtensions.ScrapePath).DefaultTimeout();
        using var mainScrape = await main.GetAsync(MetricsExtensions.ScrapePath).DefaultTimeout();
        using var apiOnMetricsPort = await metrics.GetAsync("/api/symbols").DefaultTimeout();
        using var live = await main.GetAsync(HealthExtensions.LivePath).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("service_name=\"signalr-ticker\"", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, mainScrape.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOnMetricsPort.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task KestrelHttps_FromConfiguration_ServesTls_AndTheMetricsPortBesideIt()
    {
        using var certificate = TestCertificate.Create();
        var (certificatePath, keyPath) = certificate.WritePem(_folder.FullName);
        var (port, metricsPort) = (FreePort.Next(), FreePort.Next());
        var settings = Settings();
        settings["Kestrel:Endpoints:Https:Url"] = $"https://127.0.0.1:{port}";
        settings["Kestrel:Endpoints:Https:Certificate:Path"] = certificatePath;
        settings["Kestrel:Endpoints:Https:Certificate:KeyPath"] = keyPath;
        settings["Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture);
        await using var server = ServerProcess.Start(_folder.FullName, "Production", settings);
        await server.LineAsync(line => line.Contains("Application started", StringComparison.Ordinal), StartDeadline);
        using var https = new HttpClient(certificate.CreateHandler()) { BaseAddress = new Uri($"https://127.0.0.1:{port}/") };
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };

        using var live = await https.GetAsync(HealthExtensions.LivePath).DefaultTimeout();
        using var token = await https.PostAsJsonAsync("/api/auth/token", new { apiKey = "stk_not_a_key_but_long_enough_0001" }).DefaultTimeout();
        using var scraped = await metrics.GetAsync(MetricsExtensions.ScrapePath).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
    }
}
