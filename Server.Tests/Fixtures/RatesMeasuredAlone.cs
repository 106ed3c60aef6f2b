namespace SignalRTicker.Server.Tests.Fixtures;

/// <summary>
/// Tests that compare a rate on the wall clock (quotes per second before and during an attack) run on their own: on
/// two cores another test's load, not the server, would otherwise decide the figure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RatesMeasuredAlone
{
    public const string Name = "rates measured alone";
}
