using System.Collections.Concurrent;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// Single-use connection tickets, so a browser's long-lived token never travels in a URL: a ticket stands in for the
/// caller's JWT in the hub's <c>access_token</c> query, for one connection, first used within 30 seconds. Unused
/// tickets and each key's limits live in the <see cref="ITicketLedger"/> (this node's memory, or a cluster's store);
/// a ticket's life after its first use is this node's, where its connection is.
/// </summary>
/// <remarks>
/// "One connection" is exact. A ticket's first use claims it: a negotiate binds it to the connection that negotiate
/// created (<see cref="Bind"/>); a connect without negotiate spends it. After that it is accepted only on requests
/// that carry its own connection's id (the polling transports resend it on every request). A fresh ticket may also
/// join a connection that a ticket of the same key negotiated (the .NET client asks for a credential again to open
/// its WebSocket). Anything else (a second negotiate, another or a made-up connection id, a first use after 30
/// seconds) is refused, and a refusal never consumes a ticket that is still unused.
/// </remarks>
public sealed class TicketStore(ITicketLedger ledger, TimeProvider time)
{
    public const string Prefix = "tkt_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Unused tickets one key may hold at once.</summary>
    public const int MaxUnusedPerKey = 20;

    /// <summary>Tickets one key may be issued per second, sustained, after a burst of <see cref="MaxUnusedPerKey"/>.</summary>
    public const double IssuedPerKeyPerSecond = 5;

    /// <summary>Unused tickets held in all: a last guard for memory, out of any one key's reach.</summary>
    public const int Capacity = 100_000;

    /// <summary>How long a connection's tickets are kept after its last request ended (long polling polls within 90 s).</summary>
    public static readonly TimeSpan ConnectionIdle = TimeSpan.FromMinutes(2);

    /// <summary>Tickets past their first use on this node: negotiating, or bound to a connection.</summary>
    private readonly ConcurrentDictionary<string, Ticket> _tickets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TicketConnection> _connections = new(StringComparer.Ordinal);

    internal enum TicketState
    {
        Negotiating,
        Bound,
        Spent,
    }

    internal sealed class Ticket(string value, TicketClaim claim)
    {
        public string Value { get; } = value;

        public string Token { get; } = claim.Token;

        public string KeyId { get; } = claim.KeyId;

        public TicketState State { get; set; }

        public TicketConnection? Connection { get; set; }
    }

    /// <summary>A connection negotiated with a ticket: its tickets live while it has requests in flight, and a while after.</summary>
    internal sealed class TicketConnection(string id, string keyId, DateTimeOffset now)
    {
        public string Id { get; } = id;

        public string KeyId { get; } = keyId;

        public List<string> Tickets { get; } = [];

        public int InFlight { get; set; }

        public DateTimeOffset LastUsed { get; set; } = now;

        public bool Alive(DateTimeOffset now) => InFlight > 0 || now - LastUsed < ConnectionIdle;
    }

    public static bool IsTicket(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>A new ticket standing for <paramref name="token"/> of key <paramref name="keyId"/>, or why there is none.</summary>
    public ValueTask<TicketIssue> IssueAsync(string token, string keyId, CancellationToken cancellationToken) =>
        ledger.IssueAsync(token, keyId, cancellationToken);

    /// <summary>
    /// The use of a ticket by one request, or null when it is refused here (unknown, late, used by another connection,
    /// or presented with an id that is not its connection's). A refused unused ticket stays unused. Dispose the use when
    /// the request ends.
    /// </summary>
    /// <param name="connectionId">The request's <c>id</c> (SignalR's connection token), or null for a negotiate or a connect without one.</param>
    public async ValueTask<TicketUse?> RedeemAsync(string value, string? connectionId, bool negotiate, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_tickets.TryGetValue(value, out var held))
        {
            lock (held)
            {
                return held is { State: TicketState.Bound, Connection: { } connection } && connection.Id == connectionId && Enter(connection, null, now)
                    ? new TicketUse(this, held, connection)
                    : null;
            }
        }

        if (string.IsNullOrEmpty(connectionId))
        {
            if (await ledger.ClaimAsync(value, null, cancellationToken) is not { } claim)
            {
                return null;
            }

            // A connect without negotiate (WebSockets only) is the whole connection: nothing can use the ticket again.
            var ticket = new Ticket(value, claim) { State = negotiate ? TicketState.Negotiating : TicketState.Spent };
            if (negotiate)
            {
                _tickets[value] = ticket;
            }

            return new TicketUse(this, ticket, null);
        }

        // A fresh ticket joining a connection that a ticket of the same key negotiated on this node.
        if (!_connections.TryGetValue(connectionId, out var joined) || !IsAlive(joined, now)
            || await ledger.ClaimAsync(value, joined.KeyId, cancellationToken) is not { } joining)
        {
            return null;
        }

        var bound = new Ticket(value, joining) { State = TicketState.Bound, Connection = joined };
        if (!Enter(joined, bound, now))
        {
            return null;
        }

        _tickets[value] = bound;
        return new TicketUse(this, bound, joined);
    }

    /// <summary>The negotiate <paramref name="use"/> answered with this connection id (null: it created no connection).</summary>
    public void Bind(TicketUse use, string? connectionId)
    {
        var ticket = use.Ticket;
        lock (ticket)
        {
            if (ticket.State != TicketState.Negotiating)
            {
                return;
            }

            if (connectionId is null)
            {
                Forget(ticket);
                return;
            }

            var connection = new TicketConnection(connectionId, ticket.KeyId, time.GetUtcNow());
            connection.Tickets.Add(ticket.Value);
            _connections[connectionId] = connection;
            ticket.Connection = connection;
            ticket.State = TicketState.Bound;
        }
    }

    /// <summary>
    /// Drops unused tickets older than 30 seconds, and the tickets of connections idle for <see cref="ConnectionIdle"/>;
    /// returns how many tickets went. Run by the sweep, so requests never scan the store.
    /// </summary>
    public int Purge()
    {
        var now = time.GetUtcNow();
        var purged = 0;
        foreach (var (id, connection) in _connections)
        {
            lock (connection)
            {
                if (connection.Alive(now) || !_connections.TryRemove(new KeyValuePair<string, TicketConnection>(id, connection)))
                {
                    continue;
                }

                foreach (var value in connection.Tickets)
                {
                    purged += _tickets.TryRemove(value, out _) ? 1 : 0;
                }
            }
        }

        return purged + ledger.Purge();
    }

    internal void Release(TicketUse use)
    {
        var ticket = use.Ticket;
        lock (ticket)
        {
            if (ticket.State == TicketState.Negotiating)
            {
                // The negotiate ended without creating a connection: the ticket is spent.
                Forget(ticket);
            }
        }

        if (use.Connection is { } connection)
        {
            lock (connection)
            {
                connection.InFlight--;
                connection.LastUsed = time.GetUtcNow();
            }
        }
    }

    private static bool IsAlive(TicketConnection connection, DateTimeOffset now)
    {
        lock (connection)
        {
            return connection.Alive(now);
        }
    }

    private static bool Enter(TicketConnection connection, Ticket? joining, DateTimeOffset now)
    {
        lock (connection)
        {
            if (!connection.Alive(now))
            {
                return false;
            }

            connection.InFlight++;
            connection.LastUsed = now;
            if (joining is not null)
            {
                connection.Tickets.Add(joining.Value);
            }

            return true;
        }
    }

    private void Forget(Ticket ticket)
    {
        ticket.State = TicketState.Spent;
        _tickets.TryRemove(ticket.Value, out _);
    }
}
