using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SignalRTicker.Server.Control;
using SignalRTicker.Server.Revocation;
using SignalRTicker.Server.Storage;
using SignalRTicker.Server.Tests.Fixtures;
using SignalRTicker.Server.Tests.Storage;
using Xunit.Abstractions;

namespace SignalRTicker.Server.Tests.Revocation;

/// <summary>A revoked or expired credential loses its live stream within a second; revocations do not pile up.</summary>
public sealed class RevocationTests(ITestOutputHelper output, PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private static readonly TimeSpan CloseDeadline = TimeSpan.FromSeconds(1);

    private TickerAppFactory _app = App();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    // Short tokens and slow ticks, so moving fake time past an expiry does not run thousands of feed ticks.
    private static TickerAppFactory App(string? postgres = null) => new(kestrel: true)
    {
        PostgresConnectionString = postgres,
        Settings = { ["Auth:TokenLifetime"] = "00:01:00", ["Ticker:IntervalMs"] = "1000" },
    };

    /// <summary>Runs this test's app on <paramref name="provider"/> (it has not started yet).</summary>
    private async Task UseAsync(DatabaseProvider provider)
    {
        if (await postgres.CreateDatabaseAsync(provider) is { } database)
        {
            await _app.DisposeAsync();
            _app = App(database);
        }
    }

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task DeleteToken_RefusesItAtOnce_AndClosesItsConnectionsWithinOneSecond()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        var other = (await _app.GetTokenAsync()).AccessToken;
        await using var first = await StartAsync(token);
        await using var second = await StartAsync(token);
        await using var bystander = await StartAsync(other);
        var closedFirst = ClosedAsync(first);
        var closedSecond = ClosedAsync(second);
        using var client = _app.CreateClient(token);

        var clock = Stopwatch.StartNew();
        using var response = await client.DeleteAsync("/api/auth/token");
        await Task.WhenAll(closedFirst, closedSecond).DefaultTimeout(CloseDeadline);
        var elapsed = clock.Elapsed;

        output.WriteLine($"revocation to close: {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(elapsed < CloseDeadline, $"closed after {elapsed.TotalMilliseconds} ms");
        using var again = await client.GetAsync("/api/auth/me");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        await using var reconnect = _app.CreateHubConnection(() => Task.FromResult<string?>(token));
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => reconnect.StartAsync().DefaultTimeout());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Empty(await bystander.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout());
    }

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task RevokeKey_ClosesEveryConnectionOfThatKeyWithinOneSecond()
    {
        var (id, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        var tokenA = (await _app.GetTokenAsync(secret)).AccessToken;
        var tokenB = (await _app.GetTokenAsync(secret)).AccessToken;
        await using var a = await StartAsync(tokenA);
        await using var b = await StartAsync(tokenB);
        await using var bystander = await StartAsync((await _app.GetTokenAsync()).AccessToken);
        var closed = Task.WhenAll(ClosedAsync(a), ClosedAsync(b));
        using var admin = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);

        var clock = Stopwatch.StartNew();
        using var response = await admin.DeleteAsync($"/api/admin/keys/{id}");
        await closed.DefaultTimeout(CloseDeadline);
        var elapsed = clock.Elapsed;

        output.WriteLine($"key revocation to close: {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(elapsed < CloseDeadline, $"closed after {elapsed.TotalMilliseconds} ms");
        using var client = _app.CreateClient(tokenB);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/symbols")).StatusCode);
        Assert.Equal(HubConnectionState.Connected, bystander.State);
        await bystander.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
    }

    [Fact]
    [Trait("Category", "WallClock")]
    public async Task AdminRevokesOneToken_ItsConnectionClosesWithinOneSecond_OthersOfTheKeyStay()
    {
        var secret = await _app.CreateKeyAsync("user", "BTC-USD");
        var doomed = (await _app.GetTokenAsync(secret)).AccessToken;
        var kept = (await _app.GetTokenAsync(secret)).AccessToken;
        await using var a = await StartAsync(doomed);
        await using var b = await StartAsync(kept);
        var closed = ClosedAsync(a);
        using var admin = _app.CreateClient((await _app.GetTokenAsync(TickerAppFactory.AdminKey)).AccessToken);
        var jti = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(doomed).Id;

        var clock = Stopwatch.StartNew();
        using var response = await admin.DeleteAsync($"/api/admin/tokens/{jti}");
        await closed.DefaultTimeout(CloseDeadline);

        output.WriteLine($"admin token revocation to close: {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/admin/tokens/nope")).StatusCode);
        Assert.Equal(HubConnectionState.Connected, b.State);
        await b.InvokeAsync<string[]>(nameof(ITickerHub.GetSubscriptions)).DefaultTimeout();
        using var user = _app.CreateClient(kept);
        Assert.Equal(HttpStatusCode.Forbidden, (await user.DeleteAsync($"/api/admin/tokens/{jti}")).StatusCode);
    }

    [Fact]
    public async Task RevocationsFromTheControlChannel_AreRefused_AndCloseTheirConnections()
    {
        // What another node's revocation looks like here: a message on the channel, and nothing in this node's memory.
        var (id, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        var token = await _app.GetTokenAsync();
        var ofKey = (await _app.GetTokenAsync(secret)).AccessToken;
        await using var byToken = await StartAsync(token.AccessToken);
        await using var byKey = await StartAsync(ofKey);
        var closed = Task.WhenAll(ClosedAsync(byToken), ClosedAsync(byKey));
        var channel = _app.Services.GetRequiredService<IControlChannel>();
        var jwt = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.AccessToken);

        await channel.PublishAsync(new TokenRevoked(jwt.Id, Guid.Parse(token.UserId), jwt.ValidTo)).DefaultTimeout();
        await channel.PublishAsync(new KeyRevoked(id, _app.Time!.GetUtcNow())).DefaultTimeout();

        await closed.DefaultTimeout();
        using var client = _app.CreateClient(token.AccessToken);
        using var ofKeyClient = _app.CreateClient(ofKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ofKeyClient.GetAsync("/api/auth/me")).StatusCode);
        var list = _app.Services.GetRequiredService<RevocationList>();
        Assert.True(list.Contains(jwt.Id) && list.Contains(id));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task KeyRevokedByAnotherProcess_IsPickedUpByTheSweep_AndClosesConnections(DatabaseProvider provider)
    {
        await UseAsync(provider);
        var (id, secret) = await _app.CreateKeyWithIdAsync("user", "BTC-USD");
        await using var hub = await StartAsync((await _app.GetTokenAsync(secret)).AccessToken);
        var closed = ClosedAsync(hub);

        await _app.RevokeKeyAsync(id); // straight to the database, as `keys revoke` in another process does
        _app.Time!.Advance(_app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RevocationOptions>>().Value.SweepInterval);

        await closed.DefaultTimeout();
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Sweep_PurgesRevocationsAndRecordsOfExpiredTokens(DatabaseProvider provider)
    {
        await UseAsync(provider);
        var token = (await _app.GetTokenAsync()).AccessToken;
        using (var client = _app.CreateClient(token))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/auth/token")).StatusCode);
        }

        var list = _app.Services.GetRequiredService<RevocationList>();
        var sweeper = _app.Services.GetServices<IHostedService>().OfType<RevocationSweeper>().Single();
        Assert.Equal(1, list.Count);
        Assert.Equal(1, await CountTokenRecordsAsync());

        await sweeper.SweepAsync(CancellationToken.None).DefaultTimeout();
        Assert.Equal(1, list.Count);

        _app.Time!.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(10));
        await sweeper.SweepAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(0, list.Count);
        Assert.Equal(0, await CountTokenRecordsAsync());
    }

    private async Task<int> CountTokenRecordsAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TickerDbContext>().Tokens.CountAsync().DefaultTimeout();
    }

    private async Task<HubConnection> StartAsync(string token)
    {
        var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(token));
        await hub.StartAsync().DefaultTimeout();
        return hub;
    }

    private static Task ClosedAsync(HubConnection hub)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}

/// <summary>Expiry is checked on real time by SignalR, so this host runs on the wall clock with short-lived tokens.</summary>
[Trait("Category", "WallClock")]
public sealed class ExpiryTests : IAsyncLifetime
{
    private readonly TickerAppFactory _app = new(fakeTime: false, kestrel: true) { Settings = { ["Auth:TokenLifetime"] = "00:00:02" } };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ExpiredToken_ClosesTheConnection()
    {
        var token = (await _app.GetTokenAsync()).AccessToken;
        await using var hub = _app.CreateHubConnection(() => Task.FromResult<string?>(token));
        var clock = Stopwatch.StartNew();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };

        await hub.StartAsync().DefaultTimeout();

        await closed.Task.DefaultTimeout();
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(0.5), $"closed after {clock.Elapsed}, before the token expired");
    }
}
