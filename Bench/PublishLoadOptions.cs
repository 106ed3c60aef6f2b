namespace SignalRTicker.Bench;

/// <summary>
/// A publisher pushing <see cref="Rate"/> quotes per second in batches of <see cref="Batch"/>, round-robin over
/// <see cref="Symbols"/> (published instruments), through the hub's <c>Publish</c> or <c>POST /api/quotes</c>, with at
/// most <see cref="InFlight"/> batches unanswered at once.
/// </summary>
public sealed record PublishLoadOptions(Uri Url, string PublisherKey, string[] Symbols, double Rate, int Batch, string Via, int InFlight)
{
    public const string Hub = "hub";
    public const string Http = "http";

    public IEnumerable<string> Validate()
    {
        if (Symbols.Length == 0)
        {
            yield return "--published needs at least 1 instrument.";
        }

        if (Rate <= 0 || Batch is < 1 or > 1000 || InFlight < 1)
        {
            yield return "--rate must be above 0, --batch between 1 and 1000 (the gateway's limit), --in-flight at least 1.";
        }

        if (Via is not (Hub or Http))
        {
            yield return "--via must be hub or http.";
        }
    }
}
