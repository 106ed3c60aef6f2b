using System.CommandLine;
using SignalRTicker.Client;

namespace SignalRTicker.Bench.Commands;

/// <summary>
/// <c>ticker-bench publish</c>: the publish path. Makes published instruments, opens subscriber connections on them,
/// and pushes quotes at a target rate through the hub's <c>Publish</c> or <c>POST /api/quotes</c>; reports quotes/s
/// accepted, deliveries/s and latency from publish to delivery.
/// </summary>
internal static class PublishCommand
{
    public const string InstrumentPrefix = "PUB-";

    public static Command Create()
    {
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey("Subscribers' API key (one token for all of them)");
        var adminKey = new Option<string>("--admin-key") { Description = "An admin key: makes the published instruments and, without --publisher-key, publishes", Required = true };
        var publisherKey = new Option<string?>("--publisher-key") { Description = "A publisher (or admin) key to publish with; the admin key by default" };
        var connections = new Option<int>("--connections", "-n") { Description = "Subscriber connections", DefaultValueFactory = _ => 500 };
        var ramp = new Option<int>("--ramp") { Description = "New connections per second", DefaultValueFactory = _ => 500 };
        var published = new Option<int>("--published") { Description = $"Published instruments ({InstrumentPrefix}0001, …), made when missing", DefaultValueFactory = _ => 1000 };
        var perConnection = new Option<int>("--symbols-per-conn") { Description = "Instruments per subscriber; 0 = all", DefaultValueFactory = _ => 5 };
        var choice = new Option<string>("--choice") { Description = "round-robin (each instrument the same number of subscribers) or zipf", DefaultValueFactory = _ => SymbolChoice.RoundRobin };
        var rate = new Option<double>("--rate") { Description = "Target quotes per second", DefaultValueFactory = _ => 50_000 };
        var batch = new Option<int>("--batch") { Description = "Quotes per batch (1 to 1000)", DefaultValueFactory = _ => 500 };
        var via = new Option<string>("--via") { Description = "hub (Publish on one connection) or http (POST /api/quotes)", DefaultValueFactory = _ => PublishLoadOptions.Hub };
        var inFlight = new Option<int>("--in-flight") { Description = "Batches sent before their answers (pipelining)", DefaultValueFactory = _ => 4 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of publishing before the window", DefaultValueFactory = _ => 3 };
        var duration = new Option<int>("--duration", "-d") { Description = "Measurement window in seconds (at most 600)", DefaultValueFactory = _ => 15 };
        var serverPid = CommonOptions.ServerPid();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var jsonFile = new Option<string?>("--json-file") { Description = "Also write the JSON result to this file" };
        var allowRemote = CommonOptions.AllowRemote();

        var command = new Command("publish", "The publish path: a publisher pushing quotes at a target rate, subscribers receiving them; quotes/s in, deliveries/s out, p99 publish to delivery")
        {
            url, apiKey, adminKey, publisherKey, connections, ramp, published, perConnection, choice, rate, batch, via, inFlight, warmup, duration,
            serverPid, json, jsonFile, allowRemote,
        };

        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (CommonOptions.ParseUrl(parsed.GetValue(url)) is not { } baseUrl)
            {
                return ExitCodes.BadArguments;
            }

            var count = parsed.GetValue(published);
            string[] symbols = [.. Enumerable.Range(1, Math.Clamp(count, 0, 9999)).Select(i => $"{InstrumentPrefix}{i:D4}")];
            var options = new BenchOptions(
                baseUrl, parsed.GetValue(apiKey)!, parsed.GetValue(connections), parsed.GetValue(ramp), symbols, parsed.GetValue(perConnection),
                TimeSpan.FromSeconds(parsed.GetValue(warmup)), TimeSpan.FromSeconds(parsed.GetValue(duration)), BenchOptions.RawClient, "json",
                StalledFraction: 0, parsed.GetValue(serverPid), parsed.GetValue(jsonFile), parsed.GetValue(allowRemote), parsed.GetValue(choice)!.ToLowerInvariant());
            var admin = parsed.GetValue(adminKey)!;
            var load = new PublishLoadOptions(baseUrl, parsed.GetValue(publisherKey) ?? admin, symbols, parsed.GetValue(rate), parsed.GetValue(batch),
                parsed.GetValue(via)!.ToLowerInvariant(), parsed.GetValue(inFlight));
            if (CommonOptions.Refuse(options.Validate().Concat(load.Validate()).Concat(count is < 1 or > 9999 ? ["--published must be from 1 to 9999."] : [])))
            {
                return ExitCodes.BadArguments;
            }

            return await CommandRunner.RunAsync(options.HardLimit, baseUrl, async limit =>
            {
                await MakeInstrumentsAsync(baseUrl, admin, symbols, limit);
                await using var publisher = new PublishLoad(load, Console.Error);
                var result = await new BenchRun(options, Console.Error, publisher).RunAsync(limit);
                await RunCommand.WriteAsync(result, options.JsonPath, parsed.GetValue(json));
                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static async Task MakeInstrumentsAsync(Uri url, string adminKey, string[] symbols, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var tokens = new TokenClient(http, url, adminKey);
        var api = new GatewayApi(http, url, tokens);
        var made = 0;
        foreach (var symbol in symbols)
        {
            made += await api.AddPublishedAsync(symbol, cancellationToken) ? 1 : 0;
        }

        Console.Error.WriteLine($"{symbols.Length} published instruments ({made} new)");
    }
}
