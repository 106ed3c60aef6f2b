using System.Net;

namespace SignalRTicker.Server.Tests.Page;

/// <summary>The server serves the page and its modules, not the tooling that lives beside them in wwwroot.</summary>
public sealed class WebPageFilesTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/quotes.js", HttpStatusCode.OK)]
    [InlineData("/lib/ticker-client.js", HttpStatusCode.OK)]
    [InlineData("/lib/ticker-client/connection.js", HttpStatusCode.OK)]
    [InlineData("/lib/signalr/signalr.min.js", HttpStatusCode.OK)]
    [InlineData("/pricechart.js", HttpStatusCode.OK)]
    [InlineData("/lib/lightweight-charts/lightweight-charts.standalone.production.mjs", HttpStatusCode.OK)]
    [InlineData("/tests/quotes.test.js", HttpStatusCode.NotFound)]
    [InlineData("/TESTS/fakes.js", HttpStatusCode.NotFound)]
    [InlineData("/package.json", HttpStatusCode.NotFound)]
    public async Task PageFiles_AreServed_ToolingIsNot(string path, HttpStatusCode expected)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(path).DefaultTimeout();
        Assert.Equal(expected, response.StatusCode);
    }
}
