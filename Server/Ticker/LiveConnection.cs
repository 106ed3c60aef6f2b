using Microsoft.AspNetCore.SignalR;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Delivery;

namespace SignalRTicker.Server.Ticker;

/// <summary>
/// One open hub connection: who it is (key, token, expiry, entitlements) and its <see cref="QuoteWriter"/>, which
/// holds its subscriptions. The single record the hub, the registry and revocation read.
/// </summary>
public sealed class LiveConnection(HubConnectionContext connection, QuoteWriter writer)
{
    public HubConnectionContext Connection { get; } = connection;

    public string ConnectionId => Connection.ConnectionId;

    public QuoteWriter Writer { get; } = writer;

    public Guid? KeyId { get; } = Guid.TryParse(connection.User.KeyId(), out var key) ? key : null;

    public string? TokenId { get; } = connection.User.FindFirst(TickerClaims.TokenId)?.Value;

    public DateTimeOffset? ExpiresAt { get; } = connection.User.ExpiresAt();

    public Entitlements Entitlements { get; } = Entitlements.Of(connection.User);

    /// <summary>The connection's symbols, in order.</summary>
    public string[] Subscriptions => Writer.Topics;

    public void Abort() => Writer.Abort();
}
