using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// A private redis-server on a free loopback port, in a temp folder of its own, with no persistence unless asked.
/// Tests can kill it and restart it on the same port to play a Redis outage and its recovery. Use it as a class or
/// collection fixture, or start one per test with <see cref="StartAsync"/>.
/// </summary>
public sealed class RedisServer : IAsyncLifetime, IAsyncDisposable
{
    public const string Executable = "/usr/bin/redis-server";

    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private static readonly byte[] Ping = "PING\r\n"u8.ToArray();

    private readonly bool _persistent;
    private string? _folder;
    private ServerProcess? _process;

    public RedisServer()
    {
    }

    // xunit wants a fixture with one public constructor; a persistent server comes from StartAsync.
    private RedisServer(bool persistent) => _persistent = persistent;

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Started.Port}";

    /// <summary>The PID of the running redis-server (a new one after each restart).</summary>
    public int ProcessId => Started._process!.Id;

    public string Folder => Started._folder!;

    private RedisServer Started => _process is not null
        ? this
        : throw new InvalidOperationException($"redis-server is not running: {Executable} is missing or the fixture has not started. " +
                                              "Install it with `apt-get install -y redis-server`.");

    /// <param name="persistent">Keep data across a kill and restart (an append-only file written on every command).</param>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        ServerPrograms.EnsureInstalled(Needs.Redis);
        var redis = new RedisServer(persistent);
        await redis.InitializeAsync();
        return redis;
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            // Skipped tests never touch the server; a run that requires it fails on first use with the install hint.
            return;
        }

        _folder = await FixtureFolder.CreateAsync("redis");
        Port = FreePort.Next();
        try
        {
            await RestartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts redis-server again on the same port and folder (after <see cref="KillAsync"/>); kills it first if it still runs.</summary>
    public async Task RestartAsync()
    {
        var folder = _folder ?? throw new InvalidOperationException("The fixture has not been initialized.");
        if (_process is { } previous)
        {
            _process = null;
            await previous.StopAsync("KILL", StopGrace);
            await previous.DisposeAsync();
        }

        _process = ServerProcess.Start("redis-server", Path.Combine(folder, "redis.log"),
        [
            Executable,
            "--bind", "127.0.0.1",
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dir", folder,
            "--daemonize", "no",
            "--save", "",
            "--appendonly", _persistent ? "yes" : "no",
            "--appendfsync", "always",
        ], folder);
        await _process.WaitUntilReadyAsync("answered PING", AnswersPingAsync);
    }

    /// <summary>Ends redis-server at once (SIGKILL), as a crash or an outage would; <see cref="RestartAsync"/> brings it back.</summary>
    public Task KillAsync() => Started._process!.StopAsync("KILL", StopGrace);

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            await process.StopAsync("TERM", StopGrace);
            await process.DisposeAsync();
        }

        if (_folder is { } folder)
        {
            _folder = null;
            await FixtureFolder.DeleteAsync(folder);
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

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
