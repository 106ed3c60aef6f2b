using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Metrics;
using Microsoft.AspNetCore.SignalR.Client;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Metrics;

public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Metrics_AreScrapedInPrometheusFormat()
    {
        var (hub, quotes) = await _app.ConnectAsync();
        await using var _hub = hub;
        await hub.InvokeAsync<Quote[]>(nameof(TickerHub.Subscribe), new[] { "BTC-USD" }).DefaultTimeout();
        _app.Tick();
        await quotes.NextAsync();

        using var client = _app.CreateClient();
        var text = await client.GetStringAsync(MetricsExtensions.ScrapePath).DefaultTimeout();

        Assert.Contains("ticker_quotes_published", text, StringComparison.Ordinal);
        Assert.Contains("ticker_quotes_delivered", text, StringComparison.Ordinal);
        Assert.Contains("ticker_connections", text, StringComparison.Ordinal);
        Assert.Contains("ticker_send_lag_milliseconds_bucket", text, StringComparison.Ordinal); // as docs/operations.md names it
    }

    [Fact]
    public async Task Metrics_NameTheirServiceAndThisInstance()
    {
        using var client = _app.CreateClient();

        var text = await client.GetStringAsync(MetricsExtensions.ScrapePath).DefaultTimeout();

        var instance = _app.Services.GetRequiredService<ServiceInstance>().Id;
        var target = Assert.Single(text.Split('\n'), line => line.StartsWith("target_info{", StringComparison.Ordinal));
        Assert.Contains("service_name=\"signalr-ticker\"", target, StringComparison.Ordinal);
        Assert.Contains($"service_instance_id=\"{instance}\"", target, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_IncludeTheMetersOfEveryFeature()
    {
        using var client = _app.CreateClient();
        using var refused = await client.GetAsync(new Uri("/api/auth/me", UriKind.Relative)).DefaultTimeout();

        var text = await client.GetStringAsync(MetricsExtensions.ScrapePath).DefaultTimeout();

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("signalrticker_auth_refused", text, StringComparison.Ordinal);
    }
}

/// <summary>Outside Development the scrape needs an admin token: counts and routes are for operators.</summary>
public sealed class ProductionMetricsTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new() { Environment = "Production" };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Metrics_InProduction_NeedAnAdminToken()
    {
        using var anonymous = _app.CreateClient();
        using var user = _app.CreateClient((await _app.GetTokenAsync()).AccessToken);
        using var admin = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);

        using var none = await anonymous.GetAsync(MetricsExtensions.ScrapePath);
        using var notAdmin = await user.GetAsync(MetricsExtensions.ScrapePath);
        using var scraped = await admin.GetAsync(MetricsExtensions.ScrapePath);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("service_name=\"signalr-ticker\"", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
