using System.CommandLine;
using SignalRTicker.Bench.Soak;

namespace SignalRTicker.Bench.Commands;

/// <summary><c>ticker-bench soak</c>: connections held for minutes with in-band token renewals, drops and resumes; figures per interval and a verdict.</summary>
internal static class SoakCommand
{
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var apiKey = CommonOptions.ApiKey("The connections' API key (a user key entitled to every symbol, exempt from the per-key connection cap, such as Auth:DemoApiKey)");
        var adminKey = new Option<string>("--admin-key") { Description = "An admin key: makes and publishes the dashboards' instruments, reads /metrics", Required = true };
        var connections = new Option<int>("--connections", "-n") { Description = "Connections held", DefaultValueFactory = _ => 10_000 };
        var ramp = new Option<int>("--ramp") { Description = "New connections per second", DefaultValueFactory = _ => 500 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds between the end of the ramp and the first interval", DefaultValueFactory = _ => 10 };
        var minutes = new Option<double>("--minutes", "-m") { Description = "How long the connections are held and measured", DefaultValueFactory = _ => 10 };
        var reportEvery = new Option<int>("--report-every") { Description = "Seconds per row of figures", DefaultValueFactory = _ => 60 };
        var traders = new Option<double>("--traders") { Description = "Share of connections that are traders (the rest are dashboards)", DefaultValueFactory = _ => 0.1 };
        var traderSymbols = new Option<int>("--trader-symbols") { Description = "Simulated instruments per trader (zipf choice over every simulated instrument)", DefaultValueFactory = _ => 20 };
        var dashboardInstruments = new Option<int>("--dashboard-instruments") { Description = $"Published instruments for dashboards ({SoakOptions.DashboardPrefix}0001, …), made when missing", DefaultValueFactory = _ => 100 };
        var dashboardSymbols = new Option<int>("--dashboard-symbols") { Description = "Most instruments per dashboard (each has 1 to this many, zipf choice)", DefaultValueFactory = _ => 3 };
        var publishEvery = new Option<int>("--publish-every-ms") { Description = "How often the dashboards' instruments move", DefaultValueFactory = _ => 1000 };
        var intervalMs = new Option<int>("--interval-ms") { Description = "The server's Ticker:IntervalMs (for the nominal rate only)", DefaultValueFactory = _ => 100 };
        var zipfExponent = new Option<double>("--zipf-exponent") { Description = "Zipf bias: weight 1/rank^s (0 = uniform)", DefaultValueFactory = _ => 1.0 };
        var drop = new Option<double>("--drop") { Description = "Share of connections dropped (socket aborted) and resumed each round", DefaultValueFactory = _ => 0.01 };
        var dropEvery = new Option<int>("--drop-every") { Description = "Seconds per round of drops", DefaultValueFactory = _ => 60 };
        var tokenEvery = new Option<int>("--token-every") { Description = "Seconds between new tokens (connections opening or renewing take the newest)", DefaultValueFactory = _ => 10 };
        var prefill = new Option<int>("--prefill") { Description = "Quotes published to each dashboard instrument before the ramp, stamped in the past, so its history is full from the start (the server's Ticker:HistorySize)", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the watchlists and drops", DefaultValueFactory = _ => 1 };
        var serverPid = CommonOptions.ServerPid();
        var output = new Option<string>("--out", "-o") { Description = "Folder for soak.json, soak.csv, soak.md and soak.png", DefaultValueFactory = _ => "soak-results" };
        var allowRemote = CommonOptions.AllowRemote();

        var command = new Command("soak", "Thousands of connections held for minutes: dashboards and traders, tokens renewed in band, drops resumed; per-interval figures, a chart and a pass/fail verdict")
        {
            url, apiKey, adminKey, connections, ramp, warmup, minutes, reportEvery, traders, traderSymbols, dashboardInstruments, dashboardSymbols,
            publishEvery, intervalMs, zipfExponent, drop, dropEvery, tokenEvery, prefill, seed, serverPid, output, allowRemote,
        };

        command.SetAction(async (parsed, cancellationToken) =>
        {
            if (CommonOptions.ParseUrl(parsed.GetValue(url)) is not { } baseUrl)
            {
                return ExitCodes.BadArguments;
            }

            var options = new SoakOptions(
                baseUrl, parsed.GetValue(apiKey)!, parsed.GetValue(adminKey)!, parsed.GetValue(connections), parsed.GetValue(ramp),
                TimeSpan.FromSeconds(parsed.GetValue(warmup)), TimeSpan.FromMinutes(parsed.GetValue(minutes)), TimeSpan.FromSeconds(parsed.GetValue(reportEvery)),
                parsed.GetValue(traders), parsed.GetValue(traderSymbols), parsed.GetValue(dashboardInstruments), parsed.GetValue(dashboardSymbols),
                TimeSpan.FromMilliseconds(parsed.GetValue(publishEvery)), parsed.GetValue(intervalMs), parsed.GetValue(zipfExponent), parsed.GetValue(drop),
                TimeSpan.FromSeconds(parsed.GetValue(dropEvery)), TimeSpan.FromSeconds(parsed.GetValue(tokenEvery)), parsed.GetValue(seed), parsed.GetValue(prefill),
                parsed.GetValue(serverPid), parsed.GetValue(output)!, parsed.GetValue(allowRemote));
            if (CommonOptions.Refuse(options.Validate()))
            {
                return ExitCodes.BadArguments;
            }

            return await CommandRunner.RunAsync(options.HardLimit, baseUrl, async limit =>
            {
                var result = await new SoakRun(options, Console.Error).RunAsync(limit);
                await SoakReport.WriteAsync(result, options.OutputDirectory, CancellationToken.None);
                Console.WriteLine(SoakReport.Markdown(result));
                Console.WriteLine($"Results in {Path.GetFullPath(options.OutputDirectory)}");
                return result.Passed ? ExitCodes.Ok : ExitCodes.SoakFailed;
            }, cancellationToken);
        });
        return command;
    }
}
