using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// Single-use connection tickets, so a browser's long-lived token never travels in a URL: a ticket stands in for the
/// caller's JWT in the hub's <c>access_token</c> query, once, within 30 seconds. Memory only, and bounded.
/// </summary>
/// <remarks>
/// "Once" means one connection: one negotiate (or one connect without negotiate), then the requests of the one
/// connection id (<c>?id=</c>) the SignalR client sends after it. The first request with an id binds the ticket to that
/// connection, so the long-polling and SSE transports, which resend the credential on every request, keep working.
/// A second negotiate, another connection id, or a first use after 30 seconds is refused.
/// </remarks>
public sealed class TicketStore(TimeProvider time)
{
    public const string Prefix = "tkt_";
    private const int Capacity = 100_000;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _tickets = new(StringComparer.Ordinal);

    private sealed class Entry(string token, DateTimeOffset expiresAt, DateTimeOffset tokenExpiresAt)
    {
        public string Token { get; } = token;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public DateTimeOffset TokenExpiresAt { get; } = tokenExpiresAt;

        /// <summary>Negotiated (or connected without negotiate): only a request with a connection id may use it now.</summary>
        public bool Negotiated { get; set; }

        public string? ConnectionId { get; set; }
    }

    public static bool IsTicket(string? value) => value?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>A new ticket for <paramref name="token"/>, or null when the store is full of live tickets.</summary>
    public string? Issue(string token, DateTimeOffset tokenExpiresAt)
    {
        if (_tickets.Count >= Capacity && Purge() == 0)
        {
            return null;
        }

        var ticket = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        _tickets[ticket] = new Entry(token, now + Lifetime, tokenExpiresAt);
        return ticket;
    }

    /// <summary>The token the ticket stands for, or null when it is unknown, late, or already used by another connection.</summary>
    public string? Redeem(string ticket, string? connectionId)
    {
        if (!_tickets.TryGetValue(ticket, out var entry))
        {
            return null;
        }

        var now = time.GetUtcNow();
        lock (entry)
        {
            if (entry.ConnectionId is not null)
            {
                return entry.ConnectionId == connectionId && now < entry.TokenExpiresAt ? entry.Token : null;
            }

            if (now > entry.ExpiresAt || (entry.Negotiated && connectionId is null))
            {
                return null;
            }

            entry.Negotiated = true;
            entry.ConnectionId = connectionId;
            return entry.Token;
        }
    }

    /// <summary>Drops unbound tickets older than 30 seconds, and bound ones whose token has expired; returns how many.</summary>
    public int Purge()
    {
        var now = time.GetUtcNow();
        var purged = 0;
        foreach (var (ticket, entry) in _tickets)
        {
            var dead = entry.ConnectionId is null ? now > entry.ExpiresAt : now > entry.TokenExpiresAt;
            if (dead && _tickets.TryRemove(ticket, out _))
            {
                purged++;
            }
        }

        return purged;
    }
}
