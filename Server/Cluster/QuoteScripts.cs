namespace SignalRTicker.Server.Cluster;

/// <summary>
/// The Lua the quote engine runs in Redis. One script per batch, as Centrifugo's Redis engine does for a publication:
/// every check, the sequence, the history, the latest quote and the publish happen in one round trip and atomically,
/// so every node sees every batch once, in the one order Redis ran them.
/// </summary>
internal static class QuoteScripts
{
    /// <summary>Values per quote in <see cref="Publish"/>'s ARGV, after the four batch values.</summary>
    public const int ArgumentsPerQuote = 10;

    /// <summary>
    /// KEYS: the feed's term key, then per quote its instrument hash and its history stream.
    /// ARGV: the batch's term ('' for a publisher's batch), the history size, the quotes channel, the node id; then per
    /// quote: symbol, price, bid, ask ('' when unknown), timestamp (.NET ticks, UTC), UTC day number, the floor (the
    /// node's last sequence of the instrument), start price ('' unless simulated), the node's reference price and its
    /// day ('' when none).
    /// Returns -1 when the term is stale (nothing done), else one value per quote: its sequence, or 0 when it was older
    /// than the latest quote (ignored).
    /// Timestamps are compared as digit strings: ticks need more digits than a Lua number holds exactly.
    /// </summary>
    public const string Publish = """
        local term = ARGV[1]
        if term ~= '' and redis.call('GET', KEYS[1]) ~= term then
          return -1
        end
        local function older(a, b)
          if #a ~= #b then return #a < #b end
          return a < b
        end
        local results = {}
        local published = {}
        local count = (#KEYS - 1) / 2
        for i = 1, count do
          local instrument = KEYS[2 * i]
          local history = KEYS[2 * i + 1]
          local at = 4 + (i - 1) * 10
          local symbol, price, bid, ask, ticks = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3], ARGV[at + 4], ARGV[at + 5]
          local day, floor, start, nodeReference, nodeDay = ARGV[at + 6], tonumber(ARGV[at + 7]), ARGV[at + 8], ARGV[at + 9], ARGV[at + 10]
          local latest = redis.call('HGET', instrument, 't')
          if latest and older(ticks, latest) then
            results[i] = 0
          else
            local sequence = redis.call('HINCRBY', instrument, 's', 1)
            if sequence <= floor then
              sequence = floor + 1
              redis.call('HSET', instrument, 's', sequence)
            end
            local reference = start
            if start == '' then
              if redis.call('HGET', instrument, 'd') == day then
                reference = redis.call('HGET', instrument, 'r')
              else
                -- The first quote of the day, unless Redis lost the day's reference and the node still knows it.
                reference = price
                if nodeDay == day and nodeReference ~= '' then reference = nodeReference end
                redis.call('HSET', instrument, 'r', reference, 'd', day)
              end
            end
            local id = string.format('%d-0', sequence)
            redis.call('HSET', instrument, 't', ticks, 'p', price, 'b', bid, 'a', ask, 'q', reference)
            redis.pcall('XADD', history, 'MAXLEN', '~', ARGV[2], id, 'p', price, 'b', bid, 'a', ask, 't', ticks, 'r', reference)
            results[i] = sequence
            published[#published + 1] = { symbol, string.format('%d', sequence), price, bid, ask, ticks, reference }
          end
        end
        if #published > 0 then
          redis.call('PUBLISH', ARGV[3], cjson.encode({ ARGV[4], published }))
        end
        return results
        """;
}
