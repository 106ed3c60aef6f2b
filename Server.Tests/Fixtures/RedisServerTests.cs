using StackExchange.Redis;

namespace SignalRTicker.Server.Tests.Fixtures;

public sealed class RedisServerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan ReconnectTimeout = TimeSpan.FromSeconds(20);

    [ServerFact(Needs.Redis)]
    public async Task SetAndGet_Work_AndWorkAgainAfterAKillAndARestartOnTheSamePort()
    {
        await using var multiplexer = await ConnectAsync(redis).DefaultTimeout();
        var database = multiplexer.GetDatabase();
        await database.StringSetAsync("quote", "42").DefaultTimeout();
        Assert.Equal("42", await database.StringGetAsync("quote").DefaultTimeout());
        var port = redis.Port;
        var killed = redis.ProcessId;

        await redis.KillAsync().DefaultTimeout();
        Assert.True(ProcessTable.IsGone(killed));
        await Assert.ThrowsAnyAsync<RedisException>(() => database.PingAsync()).DefaultTimeout();

        await redis.RestartAsync().DefaultTimeout();
        Assert.Equal(port, redis.Port);
        Assert.NotEqual(killed, redis.ProcessId);
        // The same multiplexer finds the server again by itself, and the data went with the old process.
        await TaskTimeoutExtensions.WaitUntilAsync(() => multiplexer.IsConnected, ReconnectTimeout);
        Assert.True((await database.StringGetAsync("quote").DefaultTimeout()).IsNull);
        await database.StringSetAsync("quote", "43").DefaultTimeout();
        Assert.Equal("43", await database.StringGetAsync("quote").DefaultTimeout());
    }

    [ServerFact(Needs.Redis)]
    public async Task Persistent_KeepsData_AcrossAKillAndARestart()
    {
        await using var persistent = await RedisServer.StartAsync(persistent: true).DefaultTimeout();
        await using (var multiplexer = await ConnectAsync(persistent).DefaultTimeout())
        {
            await multiplexer.GetDatabase().StringSetAsync("quote", "42").DefaultTimeout();
        }

        await persistent.KillAsync().DefaultTimeout();
        await persistent.RestartAsync().DefaultTimeout();

        await using (var multiplexer = await ConnectAsync(persistent).DefaultTimeout())
        {
            Assert.Equal("42", await multiplexer.GetDatabase().StringGetAsync("quote").DefaultTimeout());
        }
    }

    [ServerFact(Needs.Redis)]
    public async Task Dispose_EndsTheProcess_AndDeletesItsFolder()
    {
        var own = await RedisServer.StartAsync().DefaultTimeout();
        var pid = own.ProcessId;
        var folder = own.Folder;
        Assert.False(ProcessTable.IsGone(pid));
        Assert.True(Directory.Exists(folder));

        await own.DisposeAsync().DefaultTimeout();

        Assert.True(ProcessTable.IsGone(pid));
        Assert.False(Directory.Exists(folder));
        Assert.False(await ServerProcess.AcceptsConnectionsAsync(own.Port, CancellationToken.None).DefaultTimeout());
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(RedisServer server)
    {
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        // Fail commands at once while the server is down, and retry the connection often, so the test takes seconds.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(250);
        options.AsyncTimeout = 2000;
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}
