using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SignalRTicker.Client;

namespace SignalRTicker.Bench.Commands;

/// <summary>
/// The default command: N hub connections, a share of them stalled, and what the healthy ones saw. With
/// <c>--symbols '*'</c> every instrument the key may see, with <c>--choice zipf</c> watchlists biased to the first.
/// </summary>
internal static class RunCommand
{
    public const string AllSymbols = "*";

    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static RootCommand Create()
    {
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey("API key exchanged for a token (one token for all connections)");
        var connections = new Option<int>("--connections", "-n") { Description = "Concurrent hub connections", DefaultValueFactory = _ => 100 };
        var ramp = new Option<int>("--ramp") { Description = "New connections per second", DefaultValueFactory = _ => 500 };
        var symbols = new Option<string>("--symbols") { Description = "Comma-separated symbols, or * for every instrument the key may see (in symbol order)", DefaultValueFactory = _ => "BTC-USD,ETH-USD,SOL-USD" };
        var perConnection = new Option<int>("--symbols-per-conn") { Description = "Symbols per connection; 0 = all", DefaultValueFactory = _ => 0 };
        var choice = new Option<string>("--choice") { Description = "How a connection's symbols are picked: round-robin, or zipf (biased to the first symbols: popular ones get more subscribers)", DefaultValueFactory = _ => SymbolChoice.RoundRobin };
        var zipfExponent = new Option<double>("--zipf-exponent") { Description = "Zipf bias: weight 1/rank^s (0 = uniform)", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the zipf choice, to repeat a run's watchlists", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds between the end of the ramp and the window", DefaultValueFactory = _ => 3 };
        var duration = new Option<int>("--duration", "-d") { Description = "Measurement window in seconds (at most 600)", DefaultValueFactory = _ => 15 };
        var protocol = new Option<string>("--protocol") { Description = "json or messagepack", DefaultValueFactory = _ => "json" };
        var client = new Option<string>("--client")
        {
            Description = "raw: SignalR's JSON protocol over a bare WebSocket, light enough for thousands of connections; official: the .NET SignalR client; auto: raw for JSON, official for MessagePack",
            DefaultValueFactory = _ => "auto",
        };
        var stalled = new Option<double>("--stalled") { Description = "Fraction of connections that stop reading their socket, such as 0.1", DefaultValueFactory = _ => 0 };
        var serverPid = CommonOptions.ServerPid();
        var watchPid = new Option<string[]>("--watch-pid") { Description = "Another local process whose CPU in the window to report, as name=pid (repeatable), such as redis=1234" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var jsonFile = new Option<string?>("--json-file") { Description = "Also write the JSON result to this file" };
        var allowRemote = CommonOptions.AllowRemote();

        var root = new RootCommand("SignalRTicker bench: deliveries/s, latency and gaps under load, with optional stalled readers. Subcommands: soak, publish, soak-report.")
        {
            url, apiKey, connections, ramp, symbols, perConnection, choice, zipfExponent, seed, warmup, duration, client, protocol, stalled,
            serverPid, watchPid, json, jsonFile, allowRemote,
        };

        root.SetAction(async (parsed, cancellationToken) =>
        {
            if (CommonOptions.ParseUrl(parsed.GetValue(url)) is not { } baseUrl)
            {
                return ExitCodes.BadArguments;
            }

            if (ParseWatched(parsed.GetValue(watchPid) ?? []) is not { } watched)
            {
                return ExitCodes.BadArguments;
            }

            var key = parsed.GetValue(apiKey)!;
            var list = BenchOptions.ParseSymbols(parsed.GetValue(symbols)!);
            var options = new BenchOptions(
                baseUrl, key, parsed.GetValue(connections), parsed.GetValue(ramp), list, parsed.GetValue(perConnection),
                TimeSpan.FromSeconds(parsed.GetValue(warmup)), TimeSpan.FromSeconds(parsed.GetValue(duration)),
                BenchOptions.ResolveClient(parsed.GetValue(client)!.ToLowerInvariant(), parsed.GetValue(protocol)!.ToLowerInvariant()),
                parsed.GetValue(protocol)!.ToLowerInvariant(), parsed.GetValue(stalled), parsed.GetValue(serverPid), parsed.GetValue(jsonFile),
                parsed.GetValue(allowRemote), parsed.GetValue(choice)!.ToLowerInvariant(), parsed.GetValue(zipfExponent), parsed.GetValue(seed))
            { WatchPids = watched };
            if (CommonOptions.Refuse(options.Validate()))
            {
                return ExitCodes.BadArguments;
            }

            return await CommandRunner.RunAsync(options.HardLimit, baseUrl, async limit =>
            {
                if (list is [AllSymbols])
                {
                    options = options with { Symbols = await EveryInstrumentAsync(baseUrl, key, limit) };
                    Console.Error.WriteLine($"{options.Symbols.Length} instruments");
                }

                var result = await new BenchRun(options, Console.Error).RunAsync(limit);
                await WriteAsync(result, options.JsonPath, parsed.GetValue(json));
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return root;
    }

    /// <summary>Every instrument the key may see, in symbol order (the zipf choice's ranking).</summary>
    public static async Task<string[]> EveryInstrumentAsync(Uri url, string key, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var tokens = new TokenClient(http, url, key);
        return [.. (await new GatewayApi(http, url, tokens).InstrumentsAsync(cancellationToken)).Select(i => i.Symbol)];
    }

    public static async Task WriteAsync(BenchResult result, string? path, bool asJson)
    {
        var text = JsonSerializer.Serialize(result, ResultJson);
        if (path is not null)
        {
            await File.WriteAllTextAsync(path, text, CancellationToken.None);
        }

        Console.WriteLine(asJson ? text : Summary(result));
    }

    public static string Summary(BenchResult r) =>
        $"connections ok={r.ConnectionsOk} failed={r.ConnectionsFailed} stalled={r.StalledConnections} closedByServer={r.ClosedByServer} (stalled {r.StalledClosedByServer}) client={r.Client} protocol={r.Protocol}\n" +
        $"deliveries/s={r.DeliveriesPerSecond:N0} over {r.WindowSeconds:F1} s (healthy connections)  gaps={r.Gaps}  unexpected={r.UnexpectedRecords}\n" +
        $"delivered {r.DeliveredPercent}% of the {r.ExpectedDeliveries:N0} quotes the server sent them ({r.SymbolTicks:N0} across the symbols)\n" +
        $"latency ms p50={r.LatencyP50Ms} p90={r.LatencyP90Ms} p99={r.LatencyP99Ms} max={r.LatencyMaxMs}\n" +
        (r.Publish is not { } p ? "" : $"published via {p.Via}: {p.AcceptedPerSecond:N0} quotes/s accepted of {p.TargetPerSecond:N0} targeted (batches of {p.Batch}), ignored={p.Ignored} failed batches={p.BatchesFailed}\n") +
        (r.ServerCpuPercent is null ? "" : $"server cpu={r.ServerCpuPercent}% (of one core) rss={r.ServerRssMiB} MiB  ~{r.ServerKiBPerConnection} KiB/connection\n") +
        (r.WatchedCpuPercent is not { } w ? "" : string.Join("", w.Select(p => $"{p.Key} cpu={p.Value?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}% (of one core)\n")));

    /// <summary>name=pid pairs; null after printing what is wrong.</summary>
    private static Dictionary<string, int>? ParseWatched(string[] pairs)
    {
        var watched = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                Console.Error.WriteLine($"--watch-pid takes name=pid, such as redis=1234; '{pair}' is not.");
                return null;
            }

            watched[parts[0]] = pid;
        }

        return watched;
    }
}
