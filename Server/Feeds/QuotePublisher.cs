using System.Globalization;
using System.Security.Claims;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Feeds;

/// <summary>
/// Checks and publishes a publisher's batch, for <c>POST /api/quotes</c> and the hub's <c>Publish</c> alike. All or
/// nothing: the whole batch is checked before any of it is recorded, and the first problem refuses it, naming the item.
/// </summary>
public sealed class QuotePublisher(InstrumentRegistry instruments, IQuoteEngine engine, KeyAccessCache keys, TimeProvider time)
{
    public const int MaxBatch = 1000;

    /// <summary>How far ahead of the gateway's clock a quote's timestamp may be (clocks drift).</summary>
    public static readonly TimeSpan MaxClockAhead = TimeSpan.FromSeconds(5);

    /// <summary>The batch as prices to record (in <see cref="PublishCheck.Updates"/>), or why it is refused.</summary>
    public async ValueTask<PublishCheck> CheckAsync(ClaimsPrincipal user, IReadOnlyList<QuoteInput?>? quotes, CancellationToken cancellationToken)
    {
        var access = await keys.AccessAsync(user, cancellationToken);
        if (!Roles.MayPublish(access?.Role))
        {
            return new(new(PublishRefusalKind.Forbidden, $"Only keys with the {Roles.Publisher} or {Roles.Admin} role may publish quotes."), []);
        }

        var refusal = Check(access!, quotes, out var updates);
        return new(refusal, updates);
    }

    private PublishRefusal? Check(KeyAccess access, IReadOnlyList<QuoteInput?>? quotes, out List<PriceUpdate> updates)
    {
        updates = [];

        if (quotes is null || quotes.Count == 0)
        {
            return new(PublishRefusalKind.Invalid, $"Send an array of 1 to {MaxBatch} quotes, such as [{{\"symbol\":\"ACME\",\"price\":12.5}}].");
        }

        if (quotes.Count > MaxBatch)
        {
            return new(PublishRefusalKind.Invalid, $"A batch holds at most {MaxBatch} quotes; this one has {quotes.Count}. Split it.");
        }

        var latestAllowed = time.GetUtcNow() + MaxClockAhead;
        for (var i = 0; i < quotes.Count; i++)
        {
            if (CheckShape(quotes[i], i, latestAllowed, out var update) is { } malformed)
            {
                return new(PublishRefusalKind.Invalid, malformed);
            }

            updates.Add(update);
        }

        for (var i = 0; i < updates.Count; i++)
        {
            var symbol = updates[i].Symbol;
            if (!instruments.TryGet(symbol, out var instrument))
            {
                return new(PublishRefusalKind.UnknownSymbol, $"quotes[{i}].symbol '{symbol}' is not a known instrument; an admin adds it with POST /api/admin/symbols.");
            }

            if (!access.Allows(symbol))
            {
                return new(PublishRefusalKind.Forbidden, $"quotes[{i}].symbol '{symbol}' is not included in your API key's entitlements.");
            }

            if (instrument.Source != InstrumentSource.Published)
            {
                return new(PublishRefusalKind.NotPublished, $"quotes[{i}].symbol '{symbol}' takes its prices from the {instrument.Source.Name()} source; only instruments with the published source take quotes.");
            }
        }

        return null;
    }

    public ValueTask<PublishResult> PublishAsync(IReadOnlyList<PriceUpdate> updates, CancellationToken cancellationToken) =>
        engine.PublishAsync(updates, QuoteOrigin.Publisher, cancellationToken);

    private static string? CheckShape(QuoteInput? quote, int index, DateTimeOffset latestAllowed, out PriceUpdate update)
    {
        update = default;
        if (quote is null)
        {
            return $"quotes[{index}] is null; each item needs at least a symbol and a price.";
        }

        if (string.IsNullOrWhiteSpace(quote.Symbol))
        {
            return $"quotes[{index}].symbol is required.";
        }

        if (!Symbol.TryNormalise(quote.Symbol, out var symbol))
        {
            return $"quotes[{index}].symbol {Symbol.Describe(quote.Symbol)} is not a valid symbol: use letters, digits and . - / such as BTC-USD.";
        }

        if (quote.Price <= 0)
        {
            return $"quotes[{index}].price must be a positive number; it was {Format(quote.Price)}.";
        }

        if (quote.Bid is { } bid && bid <= 0)
        {
            return $"quotes[{index}].bid must be a positive number when given; it was {Format(bid)}.";
        }

        if (quote.Ask is { } ask && ask <= 0)
        {
            return $"quotes[{index}].ask must be a positive number when given; it was {Format(ask)}.";
        }

        if (quote.Bid > quote.Ask)
        {
            return $"quotes[{index}].bid ({Format(quote.Bid!.Value)}) is above its ask ({Format(quote.Ask!.Value)}).";
        }

        if (quote.Timestamp > latestAllowed)
        {
            return $"quotes[{index}].timestamp {quote.Timestamp.Value:O} is in the future; send the time the price was observed, or leave it out.";
        }

        update = new PriceUpdate(symbol, quote.Price, quote.Bid, quote.Ask, quote.Timestamp);
        return null;
    }

    private static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
