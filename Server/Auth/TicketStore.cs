using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// Single-use connection tickets, so a browser's long-lived token never travels in a URL: a ticket stands in for the
/// caller's JWT in the hub's <c>access_token</c> query, for one connection, first used within 30 seconds. Memory only;
/// each key may hold a few unused tickets and ask for them at a steady rate, so one key cannot fill the store for the
/// others, and every request costs the same however full the store is (the sweep clears out the rest).
/// </summary>
/// <remarks>
/// "One connection" is exact. A ticket's first use claims it: a negotiate binds it to the connection that negotiate
/// created (<see cref="Bind"/>); a connect without negotiate spends it. After that it is accepted only on requests
/// that carry its own connection's id (the polling transports resend it on every request). A fresh ticket may also
/// join a connection that a ticket of the same key negotiated (the .NET client asks for a credential again to open
/// its WebSocket). Anything else (a second negotiate, another or a made-up connection id, a first use after 30
/// seconds) is refused, and a refusal never consumes a ticket that is still unused.
/// </remarks>
public sealed class TicketStore(TimeProvider time)
{
    public const string Prefix = "tkt_";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Unused tickets one key may hold at once.</summary>
    public const int MaxUnusedPerKey = 20;

    /// <summary>Tickets one key may be issued per second, sustained, after a burst of <see cref="MaxUnusedPerKey"/>.</summary>
    public const double IssuedPerKeyPerSecond = 5;

    /// <summary>Tickets held in all: a last guard for memory, out of any one key's reach.</summary>
    public const int Capacity = 100_000;

    /// <summary>How long a connection's tickets are kept after its last request ended (long polling polls within 90 s).</summary>
    public static readonly TimeSpan ConnectionIdle = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Ticket> _tickets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KeyTickets> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TicketConnection> _connections = new(StringComparer.Ordinal);
    private int _held;

    internal enum TicketState
    {
        Unused,
        Negotiating,
        Bound,
        Spent,
    }

    internal sealed class Ticket(string value, string token, KeyTickets key, DateTimeOffset expiresAt)
    {
        public string Value { get; } = value;

        public string Token { get; } = token;

        public KeyTickets Key { get; } = key;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public TicketState State { get; set; }

        public TicketConnection? Connection { get; set; }
    }

    /// <summary>One key's unused tickets, oldest first, and its issue rate (a token bucket).</summary>
    internal sealed class KeyTickets(string keyId, long stamp)
    {
        public string KeyId { get; } = keyId;

        public Queue<Ticket> Issued { get; } = new();

        /// <summary>Changed with Interlocked: claiming a ticket happens under the ticket's lock, not the key's.</summary>
        public int Unused;

        public double Allowance { get; set; } = MaxUnusedPerKey;

        public long Stamp { get; set; } = stamp;
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
    public TicketIssue Issue(string token, string keyId)
    {
        var now = time.GetUtcNow();
        var key = _keys.GetOrAdd(keyId, id => new KeyTickets(id, time.GetTimestamp()));
        lock (key)
        {
            ExpireUnused(key, now);
            var stamp = time.GetTimestamp();
            key.Allowance = Math.Min(MaxUnusedPerKey, key.Allowance + (time.GetElapsedTime(key.Stamp, stamp).TotalSeconds * IssuedPerKeyPerSecond));
            key.Stamp = stamp;
            if (Volatile.Read(ref key.Unused) >= MaxUnusedPerKey)
            {
                return TicketIssue.Refused(TicketRefusal.TooManyUnused, key.Issued.Peek().ExpiresAt - now);
            }

            if (key.Allowance < 1)
            {
                return TicketIssue.Refused(TicketRefusal.TooFast, TimeSpan.FromSeconds((1 - key.Allowance) / IssuedPerKeyPerSecond));
            }

            if (Volatile.Read(ref _held) >= Capacity)
            {
                return TicketIssue.Refused(TicketRefusal.StoreFull, Lifetime);
            }

            key.Allowance--;
            var value = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            var ticket = new Ticket(value, token, key, now + Lifetime);
            _tickets[value] = ticket;
            Interlocked.Increment(ref _held);
            key.Issued.Enqueue(ticket);
            Interlocked.Increment(ref key.Unused);
            return TicketIssue.Issued(value);
        }
    }

    /// <summary>
    /// The use of a ticket by one request, or null when it is refused here (unknown, late, used by another connection,
    /// or presented with an id that is not its connection's). A refused unused ticket stays unused. Dispose the use when
    /// the request ends.
    /// </summary>
    /// <param name="connectionId">The request's <c>id</c> (SignalR's connection token), or null for a negotiate or a connect without one.</param>
    public TicketUse? Redeem(string value, string? connectionId, bool negotiate)
    {
        if (!_tickets.TryGetValue(value, out var ticket))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (ticket)
        {
            switch (ticket.State)
            {
                case TicketState.Unused when now <= ticket.ExpiresAt:
                    if (string.IsNullOrEmpty(connectionId))
                    {
                        Claim(ticket);
                        if (!negotiate)
                        {
                            // A connect without negotiate (WebSockets only) is the whole connection: nothing can use it again.
                            Forget(ticket);
                            return new TicketUse(this, ticket, null);
                        }

                        ticket.State = TicketState.Negotiating;
                        return new TicketUse(this, ticket, null);
                    }

                    if (_connections.TryGetValue(connectionId, out var joined) && joined.KeyId == ticket.Key.KeyId && Enter(joined, ticket, now))
                    {
                        Claim(ticket);
                        ticket.State = TicketState.Bound;
                        ticket.Connection = joined;
                        return new TicketUse(this, ticket, joined);
                    }

                    return null;

                case TicketState.Bound when ticket.Connection is { } connection && connection.Id == connectionId && Enter(connection, null, now):
                    return new TicketUse(this, ticket, connection);

                default:
                    return null;
            }
        }
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

            var connection = new TicketConnection(connectionId, ticket.Key.KeyId, time.GetUtcNow());
            connection.Tickets.Add(ticket.Value);
            _connections[connectionId] = connection;
            ticket.Connection = connection;
            ticket.State = TicketState.Bound;
        }
    }

    /// <summary>
    /// Drops unused tickets older than 30 seconds, the tickets of connections idle for <see cref="ConnectionIdle"/>, and
    /// keys with nothing left; returns how many tickets went. Run by the sweep, so requests never scan the store.
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
                    if (_tickets.TryRemove(value, out _))
                    {
                        Interlocked.Decrement(ref _held);
                        purged++;
                    }
                }
            }
        }

        foreach (var (keyId, key) in _keys)
        {
            lock (key)
            {
                purged += ExpireUnused(key, now);
                if (key.Issued.Count == 0 && time.GetElapsedTime(key.Stamp) * IssuedPerKeyPerSecond >= TimeSpan.FromSeconds(MaxUnusedPerKey))
                {
                    _keys.TryRemove(new KeyValuePair<string, KeyTickets>(keyId, key));
                }
            }
        }

        return purged;
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

    private static void Claim(Ticket ticket) => Interlocked.Decrement(ref ticket.Key.Unused);

    private void Forget(Ticket ticket)
    {
        ticket.State = TicketState.Spent;
        if (_tickets.TryRemove(ticket.Value, out _))
        {
            Interlocked.Decrement(ref _held);
        }
    }

    /// <summary>Drops, oldest first, the key's tickets that were claimed or have expired unused; returns how many expired.</summary>
    private int ExpireUnused(KeyTickets key, DateTimeOffset now)
    {
        var expired = 0;
        while (key.Issued.TryPeek(out var oldest))
        {
            lock (oldest)
            {
                if (oldest.State == TicketState.Unused && now <= oldest.ExpiresAt)
                {
                    break;
                }

                key.Issued.Dequeue();
                if (oldest.State == TicketState.Unused)
                {
                    Claim(oldest);
                    Forget(oldest);
                    expired++;
                }
            }
        }

        return expired;
    }
}
