namespace SignalRTicker.Server.Cluster;

/// <summary>
/// The Lua for per-key connection counts. A key's hash holds each node's count; a node's count counts only while its
/// heartbeat key lives, and a dead node's field is dropped the first time it is read after that.
/// </summary>
internal static class ConnectionCountScripts
{
    /// <summary>
    /// KEYS: the key's hash. ARGV: this node's id, the heartbeat key prefix, this node's count, the cap ('' for none),
    /// the hash's lifetime (ms). Counts the other live nodes' connections plus this node's; with a cap, writes this
    /// node's count only when the total is within it. Returns the total, or -1 when over the cap.
    /// </summary>
    public const string Count = """
        local total = tonumber(ARGV[3])
        local fields = redis.call('HGETALL', KEYS[1])
        for i = 1, #fields, 2 do
          local owner = fields[i]
          if owner ~= ARGV[1] then
            if redis.call('EXISTS', ARGV[2] .. owner) == 1 then
              total = total + tonumber(fields[i + 1])
            else
              redis.call('HDEL', KEYS[1], owner)
            end
          end
        end
        if ARGV[4] ~= '' then
          if total > tonumber(ARGV[4]) then
            return -1
          end
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
        end
        return total
        """;

    /// <summary>
    /// KEYS: this node's heartbeat key, then the hashes of the keys it counts. ARGV: this node's id, the heartbeat
    /// lifetime (ms), then one count per hash (0 removes this node's field).
    /// </summary>
    public const string Heartbeat = """
        redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
        for i = 2, #KEYS do
          local count = tonumber(ARGV[i + 1])
          if count > 0 then
            redis.call('HSET', KEYS[i], ARGV[1], count)
            redis.call('PEXPIRE', KEYS[i], ARGV[2])
          else
            redis.call('HDEL', KEYS[i], ARGV[1])
          end
        end
        return 1
        """;
}
