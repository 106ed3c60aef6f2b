using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Instruments;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// The quote engine of a cluster: each batch is sequenced once for every node by one script in Redis
/// (<see cref="QuoteScripts.Publish"/>), which also keeps the shared history and publishes the batch; every node,
/// this one included, delivers it when it arrives by pub/sub (<see cref="ClusterQuoteReceiver"/>), so each node
/// delivers the cluster's quotes in the one order Redis sequenced them. History and resume read the shared stream.
/// </summary>
/// <remarks>
/// Without Redis a feed this node leads goes on for this node's connections, sequenced here after the last sequence
/// this node holds; when Redis returns, that sequence is the floor the script continues from, so no sequence is given
/// twice. A publisher's batch needs the cluster to be sequenced and is refused (503) until Redis returns.
/// </remarks>
internal sealed class RedisQuoteEngine(
    InstrumentRegistry instruments,
    RedisConnection redis,
    ClusterNode node,
    IOptions<TickerOptions> options,
    TimeProvider time,
    ILogger<RedisQuoteEngine> logger) : IQuoteEngine
{
    private static readonly RedisKey NoFeed = RedisKeys.Term("-");

    /// <summary>Feeds whose quotes stay on this node for now; logged once per outage.</summary>
    private readonly ConcurrentDictionary<string, bool> _localOnly = new(StringComparer.Ordinal);

    public async ValueTask<PublishResult> PublishAsync(IReadOnlyList<PriceUpdate> updates, QuoteOrigin origin, CancellationToken cancellationToken)
    {
        if (updates.Count == 0)
        {
            return new PublishResult(0, 0);
        }

        if (!redis.IsConnected)
        {
            return Locally(updates, origin, null);
        }

        var (keys, values) = Arguments(updates, origin);
        if (keys.Length == 1)
        {
            return new PublishResult(0, 0); // every instrument was removed since the caller checked
        }

        RedisResult result;
        try
        {
            result = await redis.Database.ScriptEvaluateAsync(QuoteScripts.Publish, keys, values);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            return Locally(updates, origin, ex);
        }

        if (origin.Feed is { } feed)
        {
            _localOnly.TryRemove(feed, out _);
        }

        if (result.Resp2Type == ResultType.Integer)
        {
            ClusterLog.StaleTermDropped(logger, origin.Feed ?? "publisher", updates.Count, origin.Term);
            return new PublishResult(0, 0);
        }

        var sequences = (long[])result!;
        var accepted = sequences.Count(sequence => sequence > 0);
        return new PublishResult(accepted, sequences.Length - accepted);
    }

    public async ValueTask<HistoryRead> ReadHistoryAsync(Instrument instrument, long since, int limit, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return instrument.ReadHistory(since, limit);
        }

        StreamEntry[] entries;
        RedisValue last;
        try
        {
            var batch = redis.Database.CreateBatch();
            var reading = batch.StreamRangeAsync(RedisKeys.History(instrument.Symbol), $"{since + 1}-0", "+", limit);
            var sequence = batch.HashGetAsync(RedisKeys.Instrument(instrument.Symbol), "s");
            batch.Execute();
            entries = await reading;
            last = await sequence;
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            // This node's own history, kept by every batch it applied: as good as the cluster's until the outage began.
            return instrument.ReadHistory(since, limit);
        }

        var quotes = new List<Quote>(entries.Length);
        var complete = entries.Length == 0 ? since >= (last.IsNull ? instrument.Sequence : (long)last) : true;
        var expected = since + 1;
        foreach (var entry in entries)
        {
            var quote = Read(instrument.Symbol, entry);
            // A sequence missing from the stream (trimmed, or quotes made on one node during an outage) ends the recovery.
            complete &= quote.Sequence == expected++;
            quotes.Add(quote);
        }

        return new HistoryRead(quotes, complete);
    }

    /// <summary>The script's keys and values for a batch: only instruments this node knows go.</summary>
    private (RedisKey[] Keys, RedisValue[] Values) Arguments(IReadOnlyList<PriceUpdate> updates, QuoteOrigin origin)
    {
        var now = time.GetUtcNow();
        var keys = new List<RedisKey>(1 + (2 * updates.Count)) { origin.Feed is { } feed ? RedisKeys.Term(feed) : NoFeed };
        var values = new List<RedisValue>(4 + (QuoteScripts.ArgumentsPerQuote * updates.Count))
        {
            origin.Feed is null ? RedisValue.EmptyString : origin.Term,
            options.Value.HistorySize,
            (string)RedisKeys.Quotes!,
            node.Id,
        };
        foreach (var update in updates)
        {
            if (!instruments.TryGet(update.Symbol, out var instrument))
            {
                continue;
            }

            var state = instrument.State;
            var timestamp = (update.Timestamp ?? now).ToUniversalTime();
            keys.Add(RedisKeys.Instrument(update.Symbol));
            keys.Add(RedisKeys.History(update.Symbol));
            values.Add(update.Symbol);
            values.Add(Format(update.Price));
            values.Add(Format(update.Bid));
            values.Add(Format(update.Ask));
            values.Add(timestamp.UtcTicks);
            values.Add(DateOnly.FromDateTime(timestamp.UtcDateTime).DayNumber);
            values.Add(state.Sequence);
            values.Add(Format(state.StartPrice));
            values.Add(Format(state.Reference));
            values.Add(state.Reference is null ? RedisValue.EmptyString : state.ReferenceDay.DayNumber);
        }

        return ([.. keys], [.. values]);
    }

    /// <summary>A feed this node leads goes on for this node's connections; a publisher's batch is refused.</summary>
    private PublishResult Locally(IReadOnlyList<PriceUpdate> updates, QuoteOrigin origin, Exception? failure)
    {
        if (origin.Feed is not { } feed)
        {
            throw redis.Unavailable("Publishing quotes (they are sequenced for every node)", failure);
        }

        if (_localOnly.TryAdd(feed, true))
        {
            ClusterLog.QuotesLocalOnly(logger, feed);
        }

        return instruments.Record(updates);
    }

    private static Quote Read(string symbol, StreamEntry entry)
    {
        var id = (string)entry.Id!;
        var sequence = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        decimal? bid = null, ask = null;
        decimal price = 0, reference = 0;
        long ticks = 0;
        foreach (var field in entry.Values)
        {
            switch ((string)field.Name!)
            {
                case "p": price = Parse(field.Value)!.Value; break;
                case "b": bid = Parse(field.Value); break;
                case "a": ask = Parse(field.Value); break;
                case "r": reference = Parse(field.Value)!.Value; break;
                case "t": ticks = (long)field.Value; break;
            }
        }

        return Prices.Quote(symbol, price, reference, sequence, new DateTimeOffset(ticks, TimeSpan.Zero), bid, ask);
    }

    public static RedisValue Format(decimal? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    public static decimal? Parse(RedisValue value) => Parse((string?)value);

    public static decimal? Parse(string? value) =>
        string.IsNullOrEmpty(value) ? null : decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
}
