using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// One open hub connection: who it is (its key and what the key may see now, its token and when that expires) and
/// its <see cref="QuoteWriter"/>, which holds its subscriptions. The single record the hub, the registry, revocation,
/// entitlement changes and expiry read. The credential changes in place when the client refreshes its token.
/// </summary>
public sealed class LiveConnection(HubConnectionContext connection, QuoteWriter writer, KeyAccess access)
{
    private volatile Credential _credential = new(
        connection.User.FindFirst(TickerClaims.TokenId)?.Value,
        connection.User.ExpiresAt());

    private volatile KeyAccess _access = access;

    private readonly Lock _calls = new();
    private int _callsRunning;
    private bool _closing;
    private TaskCompletionSource? _callsEnded;

    public HubConnectionContext Connection { get; } = connection;

    public string ConnectionId => Connection.ConnectionId;

    public QuoteWriter Writer { get; } = writer;

    public Guid? KeyId { get; } = Guid.TryParse(connection.User.KeyId(), out var key) ? key : null;

    /// <summary>The token the connection holds now (its <c>jti</c>).</summary>
    public string? TokenId => _credential.TokenId;

    /// <summary>When the connection's token expires, and with it the connection.</summary>
    public DateTimeOffset? ExpiresAt => _credential.ExpiresAt;

    /// <summary>What the connection's key may see now.</summary>
    public KeyAccess Access => _access;

    /// <summary>The connection's symbols, in order.</summary>
    public string[] Subscriptions => Writer.Topics;

    /// <summary>Takes the key's new access; returns the subscribed symbols it no longer allows.</summary>
    internal string[] ApplyAccess(KeyAccess access)
    {
        _access = access;
        return [.. Writer.Topics.Where(symbol => !access.Allows(symbol))];
    }

    /// <summary>Takes a refreshed token: its id and expiry replace the old ones.</summary>
    internal void Refresh(string tokenId, DateTimeOffset expiresAt) => _credential = new Credential(tokenId, expiresAt);

    public void Abort() => Writer.Abort();

    /// <summary>True once the connection is closing: it takes no more calls.</summary>
    internal bool IsClosing
    {
        get
        {
            lock (_calls)
            {
                return _closing;
            }
        }
    }

    /// <summary>Counts a hub call that runs; false once the connection is closing, when the call must not run.</summary>
    internal bool TryBeginCall()
    {
        lock (_calls)
        {
            if (_closing)
            {
                return false;
            }

            _callsRunning++;
            return true;
        }
    }

    /// <summary>A call counted by <see cref="TryBeginCall"/> has ended and its result has been written.</summary>
    internal void EndCall()
    {
        lock (_calls)
        {
            if (--_callsRunning == 0)
            {
                _callsEnded?.TrySetResult();
            }
        }
    }

    /// <summary>Takes no more calls; completes when the calls running now have ended and their results are written.</summary>
    internal Task StopCallsAsync()
    {
        lock (_calls)
        {
            _closing = true;
            if (_callsRunning == 0)
            {
                return Task.CompletedTask;
            }

            _callsEnded ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _callsEnded.Task;
        }
    }

    private sealed record Credential(string? TokenId, DateTimeOffset? ExpiresAt);
}
