using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Admin;

/// <summary>
/// <c>/api/admin/symbols</c>: add an instrument (published, or simulated from a start price) and remove one. Both are
/// stored, so they survive restarts; a removal ends every subscription to the instrument.
/// </summary>
internal static class SymbolAdminEndpoints
{
    public static RouteGroupBuilder MapSymbolAdmin(this RouteGroupBuilder admin)
    {
        var symbols = admin.MapGroup("/symbols");
        symbols.MapPost("/", AddAsync)
            .WithSummary("Add an instrument: published, or simulated from a start price")
            .Accepts<CreateInstrumentRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        symbols.MapDelete("/{symbol}", RemoveAsync)
            .WithSummary("Remove an instrument; its subscribers are told (Unsubscribed)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return admin;
    }

    private static async Task<Results<Created<CreatedInstrument>, ProblemHttpResult>> AddAsync(
        CreateInstrumentRequest request, InstrumentStore store, InstrumentRegistry instruments, CancellationToken cancellationToken)
    {
        if (Check(request, out var symbol, out var source) is { } invalid)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The instrument is not valid", detail: invalid);
        }

        if (instruments.Contains(symbol) || await store.AddAsync(symbol, source, request.Price, cancellationToken) is not { } state)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The instrument exists",
                detail: $"'{symbol}' is already an instrument. DELETE /api/admin/symbols/{Uri.EscapeDataString(symbol)} removes it.");
        }

        await instruments.AddAsync(state, cancellationToken);
        return TypedResults.Created($"/api/symbols/{Uri.EscapeDataString(symbol)}", new CreatedInstrument(symbol, source.Name()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        string symbol, InstrumentStore store, InstrumentRegistry instruments, CancellationToken cancellationToken)
    {
        if (!Symbol.TryFromPath(symbol, out var normalised, out var raw))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such instrument",
                detail: $"{Symbol.Describe(raw)} is not an instrument. GET /api/symbols lists them.");
        }

        var running = instruments.TryGet(normalised, out var instrument) ? instrument.State : null;
        var stored = await store.RemoveAsync(normalised, running, cancellationToken);
        var removed = await instruments.RemoveAsync(normalised, cancellationToken);
        if (!stored && !removed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such instrument",
                detail: $"'{normalised}' is not an instrument. GET /api/symbols lists them.");
        }

        return TypedResults.NoContent();
    }

    /// <summary>The problem with a request, naming the field; null when it is good.</summary>
    private static string? Check(CreateInstrumentRequest request, out string symbol, out InstrumentSource source)
    {
        source = default;
        if (string.IsNullOrWhiteSpace(request.Symbol))
        {
            symbol = "";
            return "symbol is required, such as \"ACME\" or \"BTC-USD\".";
        }

        if (!Symbol.TryNormalise(request.Symbol, out symbol))
        {
            return $"symbol {Symbol.Describe(request.Symbol)} is not valid: use letters, digits and . - / (at most {Symbol.MaxLength} characters), such as BTC-USD.";
        }

        if (!InstrumentSourceNames.TryParse(request.Source, out source) || source is not (InstrumentSource.Published or InstrumentSource.Simulated))
        {
            return $"source must be \"{InstrumentSources.Published}\" or \"{InstrumentSources.Simulated}\"; " +
                   $"instruments of the {InstrumentSources.Coinbase} and {InstrumentSources.Binance} feeds come from their Feeds:* settings.";
        }

        return (source, request.Price) switch
        {
            (InstrumentSource.Simulated, null) => "price is required for a simulated instrument: its starting price, such as 12.5.",
            (InstrumentSource.Simulated, <= 0) => $"price must be a positive number; it was {request.Price.Value.ToString(CultureInfo.InvariantCulture)}.",
            (InstrumentSource.Published, not null) => "price is only for simulated instruments; a published one takes its first price from its first quote.",
            _ => null,
        };
    }
}
