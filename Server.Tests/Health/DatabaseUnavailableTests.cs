using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SignalRTicker.Server.Health;

namespace SignalRTicker.Server.Tests.Health;

/// <summary>A database that cannot be written: /healthz says so, and requests that need it are 503s with Retry-After, not 500s.</summary>
public sealed class DatabaseUnavailableTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new() { TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task UnwritableDatabase_HealthIs503_AndWritesAre503WithRetryAfter_ThenAllRecover()
    {
        var admin = (await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken;
        using var anonymous = _app.CreateClient();
        using var adminClient = _app.CreateClient(admin);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(HealthExtensions.Path)).StatusCode);

        using (var readOnly = UnwritableDatabase.Make(_app.DatabaseFile))
        {
            // The last probe's answer is kept for a few seconds.
            _app.Time!.Advance(DatabaseWriteProbe.CacheFor);
            using var health = await anonymous.GetAsync(HealthExtensions.Path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

            for (var i = 0; i < 3; i++)
            {
                await AssertUnavailableAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey }));
                await AssertUnavailableAsync(await adminClient.PostAsJsonAsync("/api/admin/keys", new { name = "x", role = "user", symbols = new[] { "*" } }));
            }

            readOnly.Restore();
        }

        _app.Time!.Advance(DatabaseWriteProbe.CacheFor);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(HealthExtensions.Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await adminClient.PostAsJsonAsync("/api/admin/keys", new { name = "x", role = "user", symbols = new[] { "*" } })).StatusCode);

        // Logged, once or a few times, without stack traces from EF for each failed command.
        var errors = _app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error).ToList();
        Assert.Contains(errors, r => r.Id.Name == "DatabaseUnavailable");
        Assert.True(errors.All(r => !r.Category!.StartsWith("Microsoft", StringComparison.Ordinal)), string.Join("\n", errors.Select(r => $"{r.Category} {r.Id} {r.Message}")));
        Assert.DoesNotContain(errors, r => r.Category!.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, r => r.Category!.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {response.Headers.RetryAfter}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Retry after", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        }
    }
}
