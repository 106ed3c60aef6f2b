using System.Net;
using System.Net.Http.Json;

namespace SignalRTicker.Server.Tests.Startup;

/// <summary>A developer's first run: the server says where the page is and which key to paste, and restarts are not rate-limited.</summary>
public sealed class DevelopmentProcessTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ticker-development-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Development_PrintsThePageAndTheDemoKey_AndAllowsMoreThanTenTokensAMinute()
    {
        var demoKey = ServerProcess.ShippedDemoKey();
        await using var server = ServerProcess.Start(_folder.FullName, "Development", new Dictionary<string, string?>
        {
            ["ConnectionStrings:Ticker"] = $"Data Source={_folder.FullName}/data/ticker.db",
        }, "--urls", "http://127.0.0.1:0");

        var page = await server.PageAddressAsync();

        Assert.Contains(server.Stdout, line => line.Contains(demoKey, StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = page };
        Assert.Contains("data-testid=\"api-key\"", await http.GetStringAsync(new Uri("/", UriKind.Relative)).DefaultTimeout());
        for (var i = 0; i < 15; i++)
        {
            using var token = await http.PostAsJsonAsync("/api/auth/token", new { apiKey = demoKey }).DefaultTimeout();
            Assert.True(token.StatusCode == HttpStatusCode.OK, $"token request {i + 1}: {(int)token.StatusCode}");
        }
    }
}
