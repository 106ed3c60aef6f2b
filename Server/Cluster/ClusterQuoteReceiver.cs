using System.Globalization;
using System.Text.Json;
using SignalRTicker.Server.Instruments;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Delivers the cluster's quote batches on this node as Redis publishes them, one at a time in the order Redis ran
/// the sequencing script: each becomes quotes the <see cref="InstrumentRegistry"/> applies (keeping this node's latest
/// prices, sequences and history current, so it can take a feed over) and delivers to this node's subscribers.
/// </summary>
/// <remarks>
/// The wire form is what the script writes: <c>[node, [[symbol, sequence, price, bid, ask, ticks, reference], ...]]</c>,
/// decimals as strings. The node that published applies its batch from here too rather than from the script's answer:
/// the answer and the channel travel on different sockets, and applying a later batch first would drop the earlier.
/// </remarks>
internal sealed class ClusterQuoteReceiver(InstrumentRegistry instruments, ILogger<ClusterQuoteReceiver> logger)
{
    public void Receive(ChannelMessage message)
    {
        List<Quote> quotes;
        try
        {
            quotes = Read((byte[])message.Message!);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            ClusterLog.QuoteBatchUnreadable(logger, ex.Message);
            return;
        }

        instruments.Apply(quotes);
        foreach (var quote in quotes)
        {
            // A quote from an upstream feed shows its leader's link is up (for a node that started after it connected).
            if (instruments.TryGet(quote.Symbol, out var instrument) && instrument.Source is InstrumentSource.Coinbase or InstrumentSource.Binance)
            {
                instrument.Stale = false;
            }
        }
    }

    private static List<Quote> Read(byte[] batch)
    {
        using var document = JsonDocument.Parse(batch);
        var items = document.RootElement[1];
        var quotes = new List<Quote>(items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            var symbol = item[0].GetString()!;
            quotes.Add(Prices.Quote(
                symbol,
                RedisQuoteEngine.Parse(item[2].GetString())!.Value,
                RedisQuoteEngine.Parse(item[6].GetString())!.Value,
                long.Parse(item[1].GetString()!, CultureInfo.InvariantCulture),
                new DateTimeOffset(long.Parse(item[5].GetString()!, CultureInfo.InvariantCulture), TimeSpan.Zero),
                RedisQuoteEngine.Parse(item[3].GetString()),
                RedisQuoteEngine.Parse(item[4].GetString())));
        }

        return quotes;
    }
}
