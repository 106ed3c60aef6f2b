using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SignalRTicker.Server.Auth;
using SignalRTicker.Server.Delivery;
using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Ticker;

public sealed record SymbolQuote(string Symbol, decimal Price, DateTimeOffset Timestamp);

public static class TickerEndpoints
{
    public static IEndpointRouteBuilder MapTicker(this IEndpointRouteBuilder app)
    {
        var slowConsumerTimeout = app.ServiceProvider.GetRequiredService<IOptions<DeliveryOptions>>().Value.SlowConsumerTimeout;
        app.MapHub<TickerHub>(TickerHub.Path, options =>
        {
            // A connection ends when its token expires; the client reconnects with a fresh token.
            options.CloseOnAuthenticationExpiration = true;

            // SignalR's own send (a ping waiting behind a stalled quote frame) must not cut a slow client off before
            // Delivery:SlowConsumerTimeout does, with its reason logged and counted; by default it would after 10 s.
            options.TransportSendTimeout = slowConsumerTimeout + TimeSpan.FromSeconds(10);
        });

        app.MapGet("/api/symbols", ListSymbols)
            .WithTags("Ticker")
            .RequireAuthorization(TickerPolicies.Subscriber);
        return app;
    }

    /// <summary>The latest quote of each symbol the caller is entitled to.</summary>
    private static Ok<SymbolQuote[]> ListSymbols(ClaimsPrincipal user, InstrumentRegistry instruments)
    {
        var entitlements = Entitlements.Of(user);
        var quotes = new List<SymbolQuote>();
        foreach (var symbol in instruments.Symbols)
        {
            if (entitlements.Allows(symbol) && instruments.TryGetLatest(symbol, out var q))
            {
                quotes.Add(new SymbolQuote(q.Symbol, q.Price, q.Timestamp));
            }
        }

        return TypedResults.Ok(quotes.ToArray());
    }
}
