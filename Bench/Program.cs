using System.CommandLine;
using System.Text.Json;
using SignalRTicker.Bench;
using SignalRTicker.Client;

// A load test users run against their own deployment: N hub connections, a share of them stalled, and what the
// healthy ones saw. Every run ends within its hard limit.
var url = new Option<string>("--url") { Description = "Server base address", DefaultValueFactory = _ => "http://127.0.0.1:5080/" };
var apiKey = new Option<string>("--api-key") { Description = "API key exchanged for a token (one token for all connections)", Required = true };
var connections = new Option<int>("--connections", "-n") { Description = "Concurrent hub connections", DefaultValueFactory = _ => 100 };
var ramp = new Option<int>("--ramp") { Description = "New connections per second", DefaultValueFactory = _ => 500 };
var symbols = new Option<string>("--symbols") { Description = "Comma-separated symbols", DefaultValueFactory = _ => "BTC-USD,ETH-USD,SOL-USD" };
var perConnection = new Option<int>("--symbols-per-conn") { Description = "Symbols per connection, round-robin; 0 = all", DefaultValueFactory = _ => 0 };
var warmup = new Option<int>("--warmup") { Description = "Seconds between the end of the ramp and the window", DefaultValueFactory = _ => 3 };
var duration = new Option<int>("--duration", "-d") { Description = "Measurement window in seconds (at most 600)", DefaultValueFactory = _ => 15 };
var protocol = new Option<string>("--protocol") { Description = "json or messagepack", DefaultValueFactory = _ => "json" };
var client = new Option<string>("--client")
{
    Description = "raw: SignalR's JSON protocol over a bare WebSocket, light enough for thousands of connections; official: the .NET SignalR client; auto: raw for JSON, official for MessagePack",
    DefaultValueFactory = _ => "auto",
};
var stalled = new Option<double>("--stalled") { Description = "Fraction of connections that stop reading their socket, such as 0.1", DefaultValueFactory = _ => 0 };
var serverPid = new Option<int?>("--server-pid") { Description = "Local server process: report its CPU and memory per connection" };
var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
var jsonFile = new Option<string?>("--json-file") { Description = "Also write the JSON result to this file" };
var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a non-loopback --url (only load servers you own)" };

var root = new RootCommand("SignalRTicker bench: deliveries/s, latency and gaps under load, with optional stalled readers")
{
    url, apiKey, connections, ramp, symbols, perConnection, warmup, duration, client, protocol, stalled, serverPid, json, jsonFile, allowRemote,
};

root.SetAction(async (parsed, cancellationToken) =>
{
    if (!Uri.TryCreate(parsed.GetValue(url), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
    {
        Console.Error.WriteLine("--url must be an absolute http(s) address, such as http://127.0.0.1:5080/.");
        return 2;
    }

    var options = new BenchOptions(
        baseUrl,
        parsed.GetValue(apiKey)!,
        parsed.GetValue(connections),
        parsed.GetValue(ramp),
        BenchOptions.ParseSymbols(parsed.GetValue(symbols)!),
        parsed.GetValue(perConnection),
        TimeSpan.FromSeconds(parsed.GetValue(warmup)),
        TimeSpan.FromSeconds(parsed.GetValue(duration)),
        BenchOptions.ResolveClient(parsed.GetValue(client)!.ToLowerInvariant(), parsed.GetValue(protocol)!.ToLowerInvariant()),
        parsed.GetValue(protocol)!.ToLowerInvariant(),
        parsed.GetValue(stalled),
        parsed.GetValue(serverPid),
        parsed.GetValue(jsonFile),
        parsed.GetValue(allowRemote));
    var problems = options.Validate().ToList();
    if (problems.Count > 0)
    {
        problems.ForEach(Console.Error.WriteLine);
        return 2;
    }

    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    limit.CancelAfter(options.HardLimit);
    BenchResult result;
    try
    {
        result = await new BenchRun(options, Console.Error).RunAsync(limit.Token);
    }
    catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
    {
        Console.Error.WriteLine($"The run did not finish within its hard limit of {options.HardLimit.TotalSeconds:F0} s.");
        return 3;
    }
    catch (TickerClientException ex)
    {
        Console.Error.WriteLine($"{ex.Message} Check --api-key and --url.");
        return 1;
    }
    catch (RateLimitedException ex)
    {
        var wait = ex.RetryAfter is { } retryAfter ? $" Try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s." : "";
        Console.Error.WriteLine($"{ex.Message}{wait}");
        return 1;
    }
    catch (HttpRequestException ex)
    {
        Console.Error.WriteLine($"Could not reach {options.Url}: {ex.Message}");
        return 1;
    }
    catch (InvalidOperationException ex)
    {
        Console.Error.WriteLine(ex.Message);
        return 1;
    }

    var text = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
    if (options.JsonPath is { } path)
    {
        await File.WriteAllTextAsync(path, text, CancellationToken.None);
    }

    Console.WriteLine(parsed.GetValue(json) ? text : Summary(result));
    return 0;
});

return await root.Parse(args).InvokeAsync();

static string Summary(BenchResult r) =>
    $"connections ok={r.ConnectionsOk} failed={r.ConnectionsFailed} stalled={r.StalledConnections} closedByServer={r.ClosedByServer} (stalled {r.StalledClosedByServer}) client={r.Client} protocol={r.Protocol}\n" +
    $"deliveries/s={r.DeliveriesPerSecond:N0} over {r.WindowSeconds:F1} s (healthy connections)  gaps={r.Gaps}\n" +
    $"delivered {r.DeliveredPercent}% of the {r.ExpectedDeliveries:N0} quotes the server sent them ({r.SymbolTicks:N0} across the symbols)\n" +
    $"latency ms p50={r.LatencyP50Ms} p90={r.LatencyP90Ms} p99={r.LatencyP99Ms} max={r.LatencyMaxMs}\n" +
    (r.ServerCpuPercent is null ? "" : $"server cpu={r.ServerCpuPercent}% (of one core) rss={r.ServerRssMiB} MiB  ~{r.ServerKiBPerConnection} KiB/connection");
