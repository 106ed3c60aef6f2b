using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SignalRTicker.Server.Revocation;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Storage;

namespace SignalRTicker.Server.Tests.Revocation;

/// <summary>
/// A revocation made while the database cannot be written (read-only SQLite, stopped PostgreSQL) is in effect at once,
/// answered 503 (not durable yet), written by the sweep when the database recovers, and still in effect after a restart.
/// </summary>
[Trait("Category", "WallClock")]
public sealed class RevocationDurabilityTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private TickerAppFactory? _app;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task RevocationsWhileReadOnly_TakeEffect_Answer503_AreWrittenOnRecovery_AndSurviveARestart(DatabaseProvider provider)
    {
        _app = new TickerAppFactory(fakeTime: false, kestrel: true)
        {
            PostgresConnectionString = await postgres.CreateDatabaseAsync(provider),
            Settings = { ["Revocation:SweepInterval"] = "00:00:01" },
        };
        var token = (await _app.GetTokenAsync()).AccessToken;
        var (keyId, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        var ofKey = (await _app.GetTokenAsync(secret)).AccessToken;
        using var admin = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        using var owner = _app.CreateClient(token);
        using var keyUser = _app.CreateClient(ofKey);
        await using var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(token));
        await hub.StartAsync().DefaultTimeout();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        var pending = _app.Services.GetRequiredService<PendingRevocations>();

        await using (var outage = await DatabaseOutage.BeginAsync(_app, postgres))
        {
            using var revokeToken = await owner.DeleteAsync("/api/auth/token");
            using var revokeKey = await admin.DeleteAsync($"/api/admin/keys/{keyId}");

            // Not durable yet, and said so; in effect all the same.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, revokeToken.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, revokeKey.StatusCode);
            Assert.True(revokeToken.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Contains("not", await revokeKey.Content.ReadAsStringAsync());
            await closed.Task.DefaultTimeout(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.Unauthorized, (await owner.GetAsync("/api/auth/me")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await keyUser.GetAsync("/api/symbols")).StatusCode);
            Assert.True(pending.Contains(keyId));

            // Still not durable: repeating says so again.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await owner.DeleteAsync("/api/auth/token")).StatusCode);
            await outage.EndAsync();
        }

        await TaskTimeoutExtensions.WaitUntilAsync(() => pending.Count == 0);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync("/api/auth/token")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await owner.GetAsync("/api/auth/me")).StatusCode);

        var restarted = _app.Restarted();
        await _app.DisposeAsync();
        _app = restarted;
        using var ownerAfter = _app.CreateClient(token);
        using var keyUserAfter = _app.CreateClient(ofKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ownerAfter.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyUserAfter.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient((await _app.GetTokenAsync()).AccessToken).GetAsync("/api/symbols")).StatusCode);
    }
}
