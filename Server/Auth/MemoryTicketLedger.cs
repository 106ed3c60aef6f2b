using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SignalRTicker.Server.Auth;

/// <summary>
/// A single node's unused tickets, in memory. Each key may hold a few unused tickets and ask for them at a steady rate,
/// so one key cannot fill the store for the others, and every request costs the same however full the store is (the
/// sweep clears out the rest).
/// </summary>
public sealed class MemoryTicketLedger(TimeProvider time) : ITicketLedger
{
    private readonly ConcurrentDictionary<string, Entry> _unused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KeyTickets> _keys = new(StringComparer.Ordinal);
    private int _held;

    private sealed class Entry(string value, string token, KeyTickets key, DateTimeOffset expiresAt)
    {
        public string Value { get; } = value;

        public string Token { get; } = token;

        public KeyTickets Key { get; } = key;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Claimed { get; set; }
    }

    /// <summary>One key's unused tickets, oldest first, and its issue rate (a token bucket).</summary>
    private sealed class KeyTickets(string keyId, long stamp)
    {
        public string KeyId { get; } = keyId;

        public Queue<Entry> Issued { get; } = new();

        /// <summary>Changed with Interlocked: claiming a ticket happens under the ticket's lock, not the key's.</summary>
        public int Unused;

        public double Allowance { get; set; } = TicketStore.MaxUnusedPerKey;

        public long Stamp { get; set; } = stamp;
    }

    /// <summary>A new ticket value: the prefix and 256 random bits.</summary>
    public static string NewTicket() => TicketStore.Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public ValueTask<TicketIssue> IssueAsync(string token, string keyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Issue(token, keyId));

    public TicketIssue Issue(string token, string keyId)
    {
        var now = time.GetUtcNow();
        var key = _keys.GetOrAdd(keyId, id => new KeyTickets(id, time.GetTimestamp()));
        lock (key)
        {
            ExpireUnused(key, now);
            var stamp = time.GetTimestamp();
            key.Allowance = Math.Min(TicketStore.MaxUnusedPerKey, key.Allowance + (time.GetElapsedTime(key.Stamp, stamp).TotalSeconds * TicketStore.IssuedPerKeyPerSecond));
            key.Stamp = stamp;
            if (Volatile.Read(ref key.Unused) >= TicketStore.MaxUnusedPerKey)
            {
                return TicketIssue.Refused(TicketRefusal.TooManyUnused, key.Issued.Peek().ExpiresAt - now);
            }

            if (key.Allowance < 1)
            {
                return TicketIssue.Refused(TicketRefusal.TooFast, TimeSpan.FromSeconds((1 - key.Allowance) / TicketStore.IssuedPerKeyPerSecond));
            }

            if (Volatile.Read(ref _held) >= TicketStore.Capacity)
            {
                return TicketIssue.Refused(TicketRefusal.StoreFull, TicketStore.Lifetime);
            }

            key.Allowance--;
            var entry = new Entry(NewTicket(), token, key, now + TicketStore.Lifetime);
            _unused[entry.Value] = entry;
            Interlocked.Increment(ref _held);
            key.Issued.Enqueue(entry);
            Interlocked.Increment(ref key.Unused);
            return TicketIssue.Issued(entry.Value);
        }
    }

    public ValueTask<TicketClaim?> ClaimAsync(string ticket, string? keyId, CancellationToken cancellationToken)
    {
        if (!_unused.TryGetValue(ticket, out var entry))
        {
            return ValueTask.FromResult<TicketClaim?>(null);
        }

        lock (entry)
        {
            if (entry.Claimed || time.GetUtcNow() > entry.ExpiresAt || (keyId is not null && keyId != entry.Key.KeyId))
            {
                return ValueTask.FromResult<TicketClaim?>(null);
            }

            Take(entry);
        }

        return ValueTask.FromResult<TicketClaim?>(new TicketClaim(entry.Token, entry.Key.KeyId));
    }

    public int Purge()
    {
        var now = time.GetUtcNow();
        var purged = 0;
        foreach (var (keyId, key) in _keys)
        {
            lock (key)
            {
                purged += ExpireUnused(key, now);
                if (key.Issued.Count == 0 && time.GetElapsedTime(key.Stamp) * TicketStore.IssuedPerKeyPerSecond >= TimeSpan.FromSeconds(TicketStore.MaxUnusedPerKey))
                {
                    _keys.TryRemove(new KeyValuePair<string, KeyTickets>(keyId, key));
                }
            }
        }

        return purged;
    }

    /// <summary>Under the entry's lock: it is no longer unused, here or anywhere.</summary>
    private void Take(Entry entry)
    {
        entry.Claimed = true;
        Interlocked.Decrement(ref entry.Key.Unused);
        if (_unused.TryRemove(entry.Value, out _))
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
                if (!oldest.Claimed && now <= oldest.ExpiresAt)
                {
                    break;
                }

                key.Issued.Dequeue();
                if (!oldest.Claimed)
                {
                    Take(oldest);
                    expired++;
                }
            }
        }

        return expired;
    }
}
