namespace SignalRTicker.Server.Cluster;

/// <summary>The Lua for tickets in Redis: issuing under each key's limits, and the single first use.</summary>
internal static class TicketScripts
{
    /// <summary>
    /// KEYS: the key's unused tickets (a sorted set by expiry), its rate bucket, the new ticket's hash.
    /// ARGV: now (unix ms), lifetime (ms), most unused per key, tickets per second, the token, the key id, the ticket.
    /// Returns {0, 0} when issued; {1, ms} when the key holds too many unused tickets; {2, ms} when it asks too fast.
    /// </summary>
    public const string Issue = """
        local now = tonumber(ARGV[1])
        local lifetime = tonumber(ARGV[2])
        local most = tonumber(ARGV[3])
        local rate = tonumber(ARGV[4])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) >= most then
          local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          return { 1, math.max(1, tonumber(oldest[2]) - now) }
        end
        local allowance = tonumber(redis.call('HGET', KEYS[2], 'a') or most)
        local stamp = tonumber(redis.call('HGET', KEYS[2], 's') or now)
        allowance = math.min(most, allowance + math.max(0, now - stamp) / 1000 * rate)
        if allowance < 1 then
          return { 2, math.ceil((1 - allowance) / rate * 1000) }
        end
        redis.call('HSET', KEYS[2], 'a', tostring(allowance - 1), 's', string.format('%d', now))
        redis.call('PEXPIRE', KEYS[2], math.ceil(most / rate * 1000))
        redis.call('HSET', KEYS[3], 't', ARGV[5], 'k', ARGV[6])
        redis.call('PEXPIRE', KEYS[3], lifetime)
        redis.call('ZADD', KEYS[1], now + lifetime, ARGV[7])
        redis.call('PEXPIRE', KEYS[1], lifetime)
        return { 0, 0 }
        """;

    /// <summary>
    /// KEYS: the ticket's hash. ARGV: the key id it must belong to ('' for any), the prefix of the key sets, the ticket.
    /// Returns {token, key id} and deletes the ticket, or nil (unknown, used, expired, or another key's: then untouched).
    /// </summary>
    public const string Claim = """
        local ticket = redis.call('HMGET', KEYS[1], 't', 'k')
        if not ticket[1] or (ARGV[1] ~= '' and ticket[2] ~= ARGV[1]) then
          return nil
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', ARGV[2] .. ticket[2], ARGV[3])
        return ticket
        """;
}
