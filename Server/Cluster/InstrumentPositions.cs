using SignalRTicker.Server.Instruments;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Where the cluster's instruments stand in Redis: a node that starts, or learns of an instrument, takes each one's
/// sequence, latest quote and reference from there rather than from the database, whose reservations run ahead of
/// use. Where Redis holds nothing (a new instrument, or Redis lost its data) the database's position stands, and its
/// reservation is the floor the sequencing script continues from.
/// </summary>
internal sealed class InstrumentPositions(InstrumentRegistry instruments, RedisConnection redis)
{
    private static readonly RedisValue[] Fields = ["s", "t", "p", "b", "a", "q", "r", "d"];

    /// <summary>Takes the cluster's position of each symbol this node knows; false when Redis could not be read.</summary>
    public async Task<bool> AdoptAsync(IReadOnlyList<string> symbols)
    {
        if (!redis.IsConnected || symbols.Count == 0)
        {
            return redis.IsConnected;
        }

        RedisValue[][] positions;
        try
        {
            var batch = redis.Database.CreateBatch();
            var reads = symbols.Select(symbol => batch.HashGetAsync(RedisKeys.Instrument(symbol), Fields)).ToList();
            batch.Execute();
            positions = await Task.WhenAll(reads);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            return false;
        }

        for (var i = 0; i < symbols.Count; i++)
        {
            if (Position(symbols[i], positions[i]) is { } state)
            {
                instruments.Reset(state);
            }
        }

        return true;
    }

    private InstrumentState? Position(string symbol, RedisValue[] fields)
    {
        if (fields[0].IsNull || !instruments.TryGet(symbol, out var instrument))
        {
            return null;
        }

        var sequence = (long)fields[0];
        Quote? latest = instrument.Latest;
        if (RedisQuoteEngine.Parse(fields[2]) is { } price && RedisQuoteEngine.Parse(fields[5]) is { } reference)
        {
            latest = Prices.Quote(symbol, price, reference, sequence, new DateTimeOffset((long)fields[1], TimeSpan.Zero),
                RedisQuoteEngine.Parse(fields[3]), RedisQuoteEngine.Parse(fields[4]));
        }

        decimal? dayReference = RedisQuoteEngine.Parse(fields[6]);
        var day = fields[7].IsNull ? default : DateOnly.FromDayNumber((int)fields[7]);
        return new InstrumentState(symbol, instrument.Source, instrument.StartPrice, sequence, latest, dayReference, day);
    }
}
