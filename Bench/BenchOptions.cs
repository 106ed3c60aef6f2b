namespace SignalRTicker.Bench;

/// <summary>One bench run, as given on the command line.</summary>
public sealed record BenchOptions(
    Uri Url,
    string ApiKey,
    int Connections,
    int Ramp,
    string[] Symbols,
    int SymbolsPerConnection,
    TimeSpan Warmup,
    TimeSpan Duration,
    string Client,
    string Protocol,
    double StalledFraction,
    int? ServerPid,
    string? JsonPath,
    bool AllowRemote,
    string Choice = SymbolChoice.RoundRobin,
    double ZipfExponent = 1.0,
    int Seed = 1)
{
    /// <summary>Other local processes (a label each) whose CPU use in the window the result reports, such as a Redis server.</summary>
    public IReadOnlyDictionary<string, int> WatchPids { get; init; } = new Dictionary<string, int>();

    public const string RawClient = "raw";
    public const string OfficialClient = "official";

    /// <summary><c>auto</c>: the raw client for JSON, the official one for MessagePack (the raw client speaks JSON only).</summary>
    public static string ResolveClient(string client, string protocol) =>
        client == "auto" ? (protocol == "messagepack" ? OfficialClient : RawClient) : client;

    /// <summary>A comma-separated list, in upper case as the server names symbols in quotes (it takes either case on Subscribe).</summary>
    public static string[] ParseSymbols(string list) =>
        list.ToUpperInvariant().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Ramp, warm-up and window, plus a margin to connect and close: the run never lasts longer.</summary>
    public TimeSpan HardLimit => TimeSpan.FromSeconds(Connections / (double)Ramp) + Warmup + Duration + TimeSpan.FromSeconds(60);

    public IEnumerable<string> Validate()
    {
        foreach (var problem in LoadTarget.Problems(Url, AllowRemote, Connections, Ramp))
        {
            yield return problem;
        }

        if (Symbols.Length == 0 || SymbolsPerConnection < 0)
        {
            yield return "--symbols needs at least one symbol, and --symbols-per-conn must be 0 (all) or more.";
        }

        if (Protocol is not ("json" or "messagepack"))
        {
            yield return "--protocol must be json or messagepack.";
        }

        if (Client is not (RawClient or OfficialClient))
        {
            yield return "--client must be auto, raw or official.";
        }
        else if (Client == RawClient && Protocol != "json")
        {
            yield return "--client raw speaks JSON only; use --client official (or auto) for MessagePack.";
        }

        if (Choice is not (SymbolChoice.RoundRobin or SymbolChoice.Zipf) || ZipfExponent < 0)
        {
            yield return "--choice must be round-robin or zipf, and --zipf-exponent 0 or more.";
        }

        if (StalledFraction is < 0 or >= 1)
        {
            yield return "--stalled must be a fraction from 0 up to (not including) 1, such as 0.1.";
        }

        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromMinutes(10) || Warmup < TimeSpan.Zero)
        {
            yield return "--duration must be between 1 and 600 seconds, and --warmup 0 or more.";
        }
    }
}
