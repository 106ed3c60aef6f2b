using System.Text.Json.Serialization;

namespace SignalRTicker.Server.Feeds.Binance;

/// <summary>Binance's JSON: camelCase envelopes, case-sensitive one-letter payload names, prices as strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(BinanceMessage))]
internal sealed partial class BinanceJson : JsonSerializerContext;
