using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Tests.Delivery;

/// <summary>
/// A hub connection registered with the app's real lifetime manager whose writes never complete, as when a client
/// stops reading its socket and the pipe fills. It goes through the same delivery path as a real connection.
/// </summary>
public sealed class StuckConnection : HubConnectionContext, IAsyncDisposable
{
    private readonly HubLifetimeManager<TickerHub> _lifetime;
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<byte[]> _written = [];
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writes;

    private StuckConnection(HubLifetimeManager<TickerHub> lifetime, IHubProtocol protocol)
        : base(new DefaultConnectionContext("stuck-" + Guid.NewGuid().ToString("N"), new Transport(), new Transport()), new HubConnectionContextOptions(), NullLoggerFactory.Instance)
    {
        _lifetime = lifetime;
        Protocol = protocol;
        ConnectionAborted.Register(() => _aborted.TrySetResult());
    }

    /// <summary>Write attempts so far (each one a coalesced flush).</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Completes when the server aborts the connection.</summary>
    public Task Aborted => _aborted.Task;

    public static async Task<StuckConnection> JoinAsync(TickerAppFactory app, params string[] symbols)
    {
        var lifetime = app.Services.GetRequiredService<HubLifetimeManager<TickerHub>>();
        var protocol = app.Services.GetRequiredService<IHubProtocolResolver>().GetProtocol("json", null)!;
        var connection = new StuckConnection(lifetime, protocol);
        await lifetime.OnConnectedAsync(connection).DefaultTimeout();
        foreach (var symbol in symbols)
        {
            await lifetime.AddToGroupAsync(connection.ConnectionId, symbol).DefaultTimeout();
        }

        return connection;
    }

    /// <summary>The bytes of every write so far, in order.</summary>
    public IReadOnlyList<byte[]> Written
    {
        get
        {
            lock (_written)
            {
                return [.. _written];
            }
        }
    }

    /// <summary>Lets the pending write complete; later writes complete at once, as with a client reading again.</summary>
    public void Resume() => _released.TrySetResult();

    public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default)
    {
        lock (_written)
        {
            _written.Add(message.GetSerializedMessage(Protocol).ToArray());
        }

        Interlocked.Increment(ref _writes);
        return new ValueTask(_released.Task);
    }

    public async ValueTask DisposeAsync() => await _lifetime.OnDisconnectedAsync(this).DefaultTimeout();

    /// <summary>Pipes nobody reads: only there because aborting a connection cancels them.</summary>
    private sealed class Transport : IDuplexPipe
    {
        private readonly Pipe _pipe = new();

        public PipeReader Input => _pipe.Reader;

        public PipeWriter Output => _pipe.Writer;
    }
}
