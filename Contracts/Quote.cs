using System.Text.Json.Serialization;

namespace SignalRTicker.Contracts;

/// <summary>
/// One price change of a symbol. <see cref="Change"/> and <see cref="ChangePercent"/> are against the instrument's
/// reference price; <see cref="Sequence"/> rises by one per quote of the symbol, so a client can see a gap.
/// <see cref="Bid"/> and <see cref="Ask"/> are null (and left out of JSON) when the source does not know them.
/// </summary>
public sealed record Quote(
    string Symbol,
    decimal Price,
    decimal Change,
    decimal ChangePercent,
    long Sequence,
    DateTimeOffset Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Bid = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? Ask = null);
