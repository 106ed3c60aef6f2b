namespace SignalRTicker.Server.Cluster;

/// <summary>
/// A lease lock in Redis, written small: the leader key holds the owner's token and expires with the lease; the term key
/// counts leaderships. KEYS: the leader key, the term key. The quote script refuses any term but the current one.
/// </summary>
internal static class LeaseScripts
{
    /// <summary>
    /// ARGV: owner, lease (ms), the node's clock (unix ms). Takes a free lease and returns its new term; 0 when
    /// another node holds it. The term never falls below the clock, so it still rises after Redis lost its data.
    /// </summary>
    public const string Acquire = """
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return 0
        end
        local term = redis.call('INCR', KEYS[2])
        local clock = tonumber(ARGV[3])
        if term < clock then
          term = clock
          redis.call('SET', KEYS[2], string.format('%d', term))
        end
        return term
        """;

    /// <summary>
    /// ARGV: owner, lease (ms), term. Renews the owner's lease: 1. When the lease is gone (it ran out, or Redis lost it)
    /// and no later term was given since, the owner takes it back under its term: 1. Otherwise another node took the
    /// feed over: 0.
    /// </summary>
    public const string Renew = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        if holder then
          return 0
        end
        local current = tonumber(redis.call('GET', KEYS[2]) or '0')
        if current > tonumber(ARGV[3]) then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('SET', KEYS[2], ARGV[3])
        return 1
        """;

    /// <summary>ARGV: owner. Gives the lease up at a graceful stop, so a follower takes over at once.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;
}
