using SignalRTicker.Server.Instruments;

namespace SignalRTicker.Server.Feeds;

/// <summary>A publish batch checked: its prices to record, or the refusal of the whole batch.</summary>
public sealed record PublishCheck(PublishRefusal? Refusal, List<PriceUpdate> Updates);
