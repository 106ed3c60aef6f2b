using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Ticker;

namespace SignalRTicker.Server.Shutdown;

/// <summary>
/// The node's drain before it stops: from its start the node takes no new hub connections (<see cref="IsDraining"/>),
/// and it closes the open ones a few at a time over <see cref="ShutdownOptions.DrainSeconds"/>, each with a close
/// message that asks the client to reconnect at once (<see cref="CloseReasons.ServerShuttingDown"/>), after the calls
/// the connection has taken have been answered. Runs once, however many times it is asked for.
/// </summary>
/// <remarks>
/// The drain keeps wall-clock time, not the app's <see cref="TimeProvider"/>: it bounds how long a stopping process
/// waits, which a clock that tests move by hand must not stretch.
/// </remarks>
public sealed class ShutdownDrain(LiveConnections connections, IOptions<ShutdownOptions> options, ILogger<ShutdownDrain> logger)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    /// <summary>How long after the drain window a connection may still take to answer its calls before it is cut.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>Connections due within this much of each other close together.</summary>
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private static readonly CloseMessage Close = new(CloseReasons.ServerShuttingDown, allowReconnect: true);

    private readonly Lock _gate = new();
    private Task? _drain;
    private volatile bool _draining;
    private long _refused;

    /// <summary>True from the start of the drain: the node takes no new hub connections and is not ready.</summary>
    public bool IsDraining => _draining;

    /// <summary>Starts the drain, or joins the one under way; completes when every hub connection has closed.</summary>
    public Task DrainAsync()
    {
        lock (_gate)
        {
            _draining = true;
            return _drain ??= Task.Run(RunAsync);
        }
    }

    /// <summary>Counts a connection refused because the node is draining, for the drain's summary.</summary>
    internal void Refused() => Interlocked.Increment(ref _refused);

    private async Task RunAsync()
    {
        var window = options.Value.Drain;
        var started = Time.GetTimestamp();
        var open = connections.All.ToList();
        ShutdownLog.DrainStarted(logger, open.Count, options.Value.DrainSeconds);
        using var deadline = new CancellationTokenSource(window + Grace, Time);
        var closing = new List<Task<bool>>(open.Count);
        // Connection i of n closes at i/n of the window: the first at once, the others spread evenly after it.
        for (var i = 0; i < open.Count; i++)
        {
            var due = window * ((double)i / open.Count);
            if (due - Time.GetElapsedTime(started) is var wait && wait > Step)
            {
                await Task.Delay(wait, Time);
            }

            closing.Add(connections.CloseAsync(open[i], Close, deadline.Token));
        }

        // A connection that negotiated just before the drain began may have opened since: it goes now.
        var seen = open.Select(c => c.ConnectionId).ToHashSet(StringComparer.Ordinal);
        closing.AddRange(connections.All.Where(c => !seen.Contains(c.ConnectionId)).Select(c => connections.CloseAsync(c, Close, deadline.Token)));
        var results = await Task.WhenAll(closing);
        var cut = results.Count(closed => !closed);
        if (cut > 0)
        {
            ShutdownLog.ConnectionsCut(logger, cut, (long)(window + Grace).TotalMilliseconds);
        }

        ShutdownLog.DrainFinished(logger, results.Length, (long)Time.GetElapsedTime(started).TotalMilliseconds, Interlocked.Read(ref _refused));
    }
}
