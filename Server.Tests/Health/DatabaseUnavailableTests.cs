using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using SignalRTicker.Server.Health;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Storage;

namespace SignalRTicker.Server.Tests.Health;

/// <summary>
/// A database that cannot be written (a read-only SQLite file, a stopped PostgreSQL): /healthz says so, and requests
/// that need it are 503s with Retry-After, not 500s, until it recovers, with no restart.
/// </summary>
public sealed class DatabaseUnavailableTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task UnwritableDatabase_HealthIs503_AndWritesAre503WithRetryAfter_ThenAllRecover(DatabaseProvider provider)
    {
        await using var app = new TickerAppFactory
        {
            PostgresConnectionString = await postgres.CreateDatabaseAsync(provider),
            TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()),
        };
        var admin = (await app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken;
        using var anonymous = app.CreateClient();
        using var adminClient = app.CreateClient(admin);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(HealthExtensions.Path)).StatusCode);

        await using (var outage = await DatabaseOutage.BeginAsync(app, postgres))
        {
            // The last probe's answer is kept for a few seconds.
            app.Time!.Advance(DatabaseWriteProbe.CacheFor);
            using var health = await anonymous.GetAsync(HealthExtensions.Path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            using var ready = await anonymous.GetAsync(HealthExtensions.ReadyPath);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var live = await anonymous.GetAsync(HealthExtensions.LivePath);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            for (var i = 0; i < 3; i++)
            {
                await AssertUnavailableAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey }));
                await AssertUnavailableAsync(await adminClient.PostAsJsonAsync("/api/admin/keys", new { name = "x", role = "user", symbols = new[] { "*" } }));
            }

            await outage.EndAsync();
        }

        app.Time!.Advance(DatabaseWriteProbe.CacheFor);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(HealthExtensions.Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(HealthExtensions.ReadyPath)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await adminClient.PostAsJsonAsync("/api/admin/keys", new { name = "x", role = "user", symbols = new[] { "*" } })).StatusCode);

        // Logged, once or a few times, without stack traces from EF for each failed command.
        var errors = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error).ToList();
        Assert.Contains(errors, r => r.Id.Name == "DatabaseUnavailable");
        Assert.True(errors.All(r => !r.Category!.StartsWith("Microsoft", StringComparison.Ordinal)), string.Join("\n", errors.Select(r => $"{r.Category} {r.Id} {r.Message}")));
        Assert.DoesNotContain(errors, r => r.Category!.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, r => r.Category!.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));
    }

    [ServerFact(Needs.Postgres)]
    public async Task ReadOnlyPostgres_HealthIs503_AndWritesAre503_UntilItTakesWritesAgain()
    {
        await using var app = new TickerAppFactory
        {
            PostgresConnectionString = (await postgres.CreateDatabaseAsync()).ConnectionString,
            TestServices = services => services.AddLogging(logging => logging.AddFakeLogging()),
        };
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey })).StatusCode);

        // As a managed server does when its disk fills: the whole server turns read-only, its open sessions too.
        await SetServerReadOnlyAsync(true);
        try
        {
            app.Time!.Advance(DatabaseWriteProbe.CacheFor);
            using var health = await anonymous.GetAsync(HealthExtensions.Path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var unhealthy = Assert.Single(app.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "DatabaseUnwritable");
            Assert.Contains("read-only", unhealthy.Message, StringComparison.Ordinal);
            await AssertUnavailableAsync(await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey }));
        }
        finally
        {
            await SetServerReadOnlyAsync(false);
        }

        app.Time!.Advance(DatabaseWriteProbe.CacheFor);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(HealthExtensions.Path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/auth/token", new { apiKey = TickerAppFactory.DemoKey })).StatusCode);
    }

    /// <summary>Sets the server-wide default and waits until a new session sees it (a reload is asynchronous).</summary>
    private async Task SetServerReadOnlyAsync(bool readOnly)
    {
        var builder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString("postgres")) { Pooling = false };
        await using var server = NpgsqlDataSource.Create(builder.ConnectionString);
        await using (var set = server.CreateCommand(readOnly
            ? "ALTER SYSTEM SET default_transaction_read_only = on"
            : "ALTER SYSTEM RESET default_transaction_read_only"))
        {
            await set.ExecuteNonQueryAsync().DefaultTimeout();
        }

        await using (var reload = server.CreateCommand("SELECT pg_reload_conf()"))
        {
            await reload.ExecuteNonQueryAsync().DefaultTimeout();
        }

        var expected = readOnly ? "on" : "off";
        using var deadline = new CancellationTokenSource(TaskTimeoutExtensions.DefaultTimeoutSpan);
        while (true)
        {
            await using var show = server.CreateCommand("SHOW default_transaction_read_only");
            if ((string?)await show.ExecuteScalarAsync(deadline.Token) == expected)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
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
