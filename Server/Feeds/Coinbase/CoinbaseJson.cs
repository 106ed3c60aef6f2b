using System.Text.Json.Serialization;

namespace SignalRTicker.Server.Feeds.Coinbase;

/// <summary>
/// Coinbase's JSON: snake_case names, and numbers such as prices sent as strings (<c>"price":"4388.01"</c>) so they
/// keep their exact decimal digits.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CoinbaseMessage))]
[JsonSerializable(typeof(CoinbaseSubscribe))]
internal sealed partial class CoinbaseJson : JsonSerializerContext;
