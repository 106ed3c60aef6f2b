namespace SignalRTicker.Server.Instruments;

/// <summary>
/// One quote as history keeps it: the sequence is its place in the ring and the change is derived from the reference
/// price, so each entry is a fraction of a <see cref="Quote"/> object. A bid or ask of 0 means unknown (prices are positive).
/// </summary>
internal readonly record struct HistoryEntry(long TimestampUtcTicks, decimal Price, decimal Bid, decimal Ask);
