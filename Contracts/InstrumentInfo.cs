namespace SignalRTicker.Contracts;

/// <summary>
/// An instrument as <c>GET /api/symbols</c> lists it. <see cref="Price"/>, <see cref="Timestamp"/> and
/// <see cref="Sequence"/> are null until its first quote; <see cref="Stale"/> is true while its upstream feed is
/// disconnected. <see cref="Source"/> is one of <see cref="InstrumentSources"/>.
/// </summary>
public sealed record InstrumentInfo(string Symbol, decimal? Price, DateTimeOffset? Timestamp, long? Sequence, string Source, bool Stale);
