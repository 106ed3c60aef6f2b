using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>Every Redis key and channel the cluster uses, under one prefix.</summary>
internal static class RedisKeys
{
    private const string Prefix = "ticker:";

    /// <summary>Control messages (revocations, entitlement changes, instruments added and removed), JSON by kind.</summary>
    public static readonly RedisChannel Control = RedisChannel.Literal(Prefix + "control");

    /// <summary>Every sequenced batch of quotes, published by the sequencing script.</summary>
    public static readonly RedisChannel Quotes = RedisChannel.Literal(Prefix + "quotes");

    /// <summary>A hash: the instrument's sequence (s), its latest quote (t, p, b, a, q) and its reference price and day (r, d).</summary>
    public static RedisKey Instrument(string symbol) => $"{Prefix}instrument:{symbol}";

    /// <summary>A capped stream of the instrument's quotes, with the sequence as the entry id (<c>{sequence}-0</c>).</summary>
    public static RedisKey History(string symbol) => $"{Prefix}history:{symbol}";

    /// <summary>The node that leads a feed (its owner token), with the lease as the key's expiry.</summary>
    public static RedisKey Leader(string feed) => $"{Prefix}leader:{feed}";

    /// <summary>A feed's current leadership term; the sequencing script refuses a batch stamped with any other.</summary>
    public static RedisKey Term(string feed) => $"{Prefix}term:{feed}";

    /// <summary>A hash of one unused ticket: the token it stands for (t) and its key (k), expiring with the ticket.</summary>
    public static RedisKey Ticket(string ticket) => $"{Prefix}ticket:{ticket}";

    public const string TicketPrefix = Prefix + "ticket:";

    /// <summary>A sorted set of a key's unused tickets, scored by when they expire.</summary>
    public static RedisKey KeyTickets(string keyId) => $"{KeyTicketsPrefix}{keyId}";

    public const string KeyTicketsPrefix = Prefix + "key-tickets:";

    /// <summary>A key's ticket issue rate: a token bucket (a: allowance, s: when it was last filled, in ms).</summary>
    public static RedisKey TicketRate(string keyId) => $"{Prefix}ticket-rate:{keyId}";

    /// <summary>A hash of a key's open hub connections: node id → count on that node.</summary>
    public static RedisKey Connections(Guid keyId) => $"{Prefix}connections:{keyId}";

    /// <summary>A node's heartbeat, expiring when the node stops renewing it.</summary>
    public static RedisKey Node(string nodeId) => $"{NodePrefix}{nodeId}";

    public const string NodePrefix = Prefix + "node:";
}
