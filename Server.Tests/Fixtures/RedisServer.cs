using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// A private redis-server on a free loopback port, in a folder of its own, with no persistence unless asked.
/// Tests can kill it and restart it on the same port to play a Redis outage and its recovery.
/// </summary>
public sealed class RedisServer : ServerFixture
{
    public const string Executable = "/usr/bin/redis-server";

    private static readonly byte[] Ping = "PING\r\n"u8.ToArray();

    private readonly bool _persistent;

    public RedisServer()
        : this(persistent: false)
    {
    }

    // xunit wants a fixture with one public constructor; a persistent server comes from StartAsync.
    private RedisServer(bool persistent)
        : base(Needs.Redis) => _persistent = persistent;

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    protected override string KillSignal => "KILL";

    protected override string StopSignal => "TERM";

    /// <param name="persistent">Keep data across a kill and restart (an append-only file written on every command).</param>
    public static Task<RedisServer> StartAsync(bool persistent = false) => LaunchAsync(new RedisServer(persistent));

    protected override ServerProcess Start(string folder) => ServerProcess.Start("redis-server", Path.Combine(folder, "redis.log"),
    [
        Executable,
        "--bind", "127.0.0.1",
        "--port", Port.ToString(CultureInfo.InvariantCulture),
        "--dir", folder,
        "--daemonize", "no",
        "--save", "",
        "--appendonly", _persistent ? "yes" : "no",
        "--appendfsync", "always",
    ], folder);

    protected override Task WaitUntilReadyAsync(ServerProcess process) => process.WaitUntilReadyAsync("answered PING", AnswersPingAsync);

    // A raw PING rather than a multiplexer: the fixture must not depend on the client whose behaviour the tests check,
    // and "+PONG" (not "-LOADING") is the moment redis serves commands.
    private async Task<bool> AnswersPingAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Ping, cancellationToken);
            var answer = new byte[64];
            var read = await stream.ReadAsync(answer, cancellationToken);
            return Encoding.ASCII.GetString(answer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}
