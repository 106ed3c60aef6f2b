using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Instruments;
using SignalRTicker.Server.Keys;

namespace SignalRTicker.Server.Ticker;

/// <summary><c>GET /api/symbols</c> and <c>GET /api/symbols/{symbol}/history</c>, for the instruments the caller may see.</summary>
public static class SymbolEndpoints
{
    public const int DefaultHistoryLimit = 100;
    public const int MaxHistoryLimit = 1000;

    internal static IEndpointRouteBuilder MapSymbols(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/symbols")
            .WithTags("Symbols")
            .RequireAuthorization(TickerPolicies.Subscriber);
        group.MapGet("/", List)
            .WithSummary("Every instrument the caller is entitled to, with its latest quote");
        group.MapGet("/{symbol}", Get)
            .WithSummary("One instrument")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{symbol}/history", HistoryAsync)
            .WithSummary("An instrument's quotes after a sequence, oldest first")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>Every instrument the caller is entitled to, with its latest quote (null fields before the first).</summary>
    private static async Task<Ok<InstrumentInfo[]>> List(ClaimsPrincipal user, InstrumentRegistry instruments, KeyAccessCache keys, CancellationToken cancellationToken)
    {
        var access = await keys.AccessAsync(user, cancellationToken);
        var list = new List<InstrumentInfo>();
        foreach (var symbol in instruments.Symbols)
        {
            if (access?.Allows(symbol) == true && instruments.TryGet(symbol, out var instrument))
            {
                list.Add(Describe(instrument));
            }
        }

        return TypedResults.Ok(list.ToArray());
    }

    /// <summary>One instrument the caller is entitled to.</summary>
    private static async Task<Results<Ok<InstrumentInfo>, ProblemHttpResult>> Get(
        string symbol, ClaimsPrincipal user, InstrumentRegistry instruments, KeyAccessCache keys, CancellationToken cancellationToken)
    {
        if (!Symbol.TryFromPath(symbol, out var normalised, out _) || !instruments.TryGet(normalised, out var instrument))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown symbol", $"'{Uri.UnescapeDataString(symbol)}' is not a known symbol. GET /api/symbols lists the symbols you can see.");
        }

        if ((await keys.AccessAsync(user, cancellationToken))?.Allows(normalised) != true)
        {
            return Problem(StatusCodes.Status403Forbidden, "Not entitled", $"'{normalised}' is not included in your API key's entitlements.");
        }

        return TypedResults.Ok(Describe(instrument));
    }

    internal static InstrumentInfo Describe(Instrument instrument)
    {
        var latest = instrument.Latest;
        return new InstrumentInfo(instrument.Symbol, latest?.Price, latest?.Timestamp, latest?.Sequence, instrument.Source.Name(), instrument.Stale);
    }

    /// <summary>The instrument's quotes after <paramref name="since"/>, oldest first.</summary>
    private static async Task<Results<Ok<Quote[]>, ProblemHttpResult>> HistoryAsync(
        string symbol, long? since, int? limit, ClaimsPrincipal user, InstrumentRegistry instruments, IQuoteEngine engine, KeyAccessCache keys,
        CancellationToken cancellationToken)
    {
        if (!Symbol.TryFromPath(symbol, out var normalised, out var raw))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid symbol", $"{Symbol.Describe(raw)} is not a valid symbol: use letters, digits and . - / such as BTC-USD (encode / as %2F in the path).");
        }

        if (since < 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid since", $"since must be a sequence of 0 or more; it was {since}.");
        }

        if (limit is < 1 or > MaxHistoryLimit)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid limit", $"limit must be between 1 and {MaxHistoryLimit}; it was {limit}.");
        }

        if (!instruments.TryGet(normalised, out var instrument))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown symbol", $"'{normalised}' is not a known symbol. GET /api/symbols lists the symbols you can see.");
        }

        if ((await keys.AccessAsync(user, cancellationToken))?.Allows(normalised) != true)
        {
            return Problem(StatusCodes.Status403Forbidden, "Not entitled", $"'{normalised}' is not included in your API key's entitlements.");
        }

        var read = await engine.ReadHistoryAsync(instrument, since ?? 0, limit ?? DefaultHistoryLimit, cancellationToken);
        return TypedResults.Ok(read.Quotes.ToArray());
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
