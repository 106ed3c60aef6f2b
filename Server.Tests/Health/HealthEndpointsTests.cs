using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SignalRTicker.Server.Feeds;
using SignalRTicker.Server.Health;

namespace SignalRTicker.Server.Tests.Health;

/// <summary>
/// <c>/healthz/live</c> answers while the process does, with its version; <c>/healthz/ready</c> (and <c>/healthz</c>)
/// only while the node can serve. The unwritable database is in <see cref="DatabaseUnavailableTests"/>.
/// </summary>
public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Live_AnswersWithTheVersion_AndReadyIsHealthy()
    {
        await using var app = new TickerAppFactory();
        using var client = app.CreateClient();

        using var live = await client.GetAsync(HealthExtensions.LivePath).DefaultTimeout();
        using var ready = await client.GetAsync(HealthExtensions.ReadyPath).DefaultTimeout();
        using var legacy = await client.GetAsync(HealthExtensions.Path).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var body = JsonDocument.Parse(await live.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var version = typeof(HealthExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(version, body.GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
    }

    [Fact]
    public async Task AFeedThatStoppedOnAFailure_MakesTheNodeNotReady_ButLive()
    {
        await using var app = new TickerAppFactory
        {
            TestServices = services =>
            {
                services.AddSingleton<IFeedLeadership>(new FailingLeadership());
                // The host's default ends the process on such a failure; a host that stays up must say it is not ready.
                services.Configure<HostOptions>(options => options.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
            },
        };
        using var client = app.CreateClient();
        var feed = app.Services.GetServices<IHostedService>().OfType<SimulatedFeed>().Single();
        await Assert.ThrowsAsync<InvalidOperationException>(() => feed.ExecuteTask!.DefaultTimeout());

        using var ready = await client.GetAsync(HealthExtensions.ReadyPath).DefaultTimeout();
        using var legacy = await client.GetAsync(HealthExtensions.Path).DefaultTimeout();
        using var live = await client.GetAsync(HealthExtensions.LivePath).DefaultTimeout();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, legacy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private sealed class FailingLeadership : IFeedLeadership
    {
        public Task<FeedLease> AcquireAsync(string feed, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no lease store");
    }
}
