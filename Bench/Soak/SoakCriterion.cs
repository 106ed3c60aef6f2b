namespace SignalRTicker.Bench.Soak;

/// <summary>One pass criterion of a soak, whether it held, and the figures that decided it.</summary>
public sealed record SoakCriterion(string Name, bool Passed, string Detail);
