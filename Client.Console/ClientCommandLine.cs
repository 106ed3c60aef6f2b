using System.CommandLine;
using System.CommandLine.Parsing;
using SignalRTicker.Client;
using SignalRTicker.ConsoleClient.Publish;

namespace SignalRTicker.ConsoleClient;

/// <summary>The command line: every option, its help text, and how it becomes <see cref="ClientOptions"/>.</summary>
public static class ClientCommandLine
{
    public const string ApiKeyVariable = "TICKER_API_KEY";

    private static readonly Uri DefaultUrl = new("http://localhost:5080");

    // Recursive: the publish command takes them too (ticker-client publish --url ... --api-key ...).
    internal static readonly Option<Uri> Url = new("--url", "-u")
    {
        Description = "The server's base address.",
        HelpName = "url",
        DefaultValueFactory = _ => DefaultUrl,
        CustomParser = ParseUrl,
        Recursive = true,
    };

    // No DefaultValueFactory: help would print the environment variable's value, and the key is a secret.
    internal static readonly Option<string?> ApiKey = new("--api-key", "-k")
    {
        Description = $"The API key to exchange for tokens. Defaults to the {ApiKeyVariable} environment variable, which keeps it out of shell history.",
        HelpName = "key",
        Recursive = true,
    };

    private static readonly Option<string[]> Symbols = new("--symbols", "-s")
    {
        Description = "Symbols to watch, comma-separated: BTC-USD,ETH-USD.",
        HelpName = "list",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
        CustomParser = ParseSymbols,
    };

    private static readonly Option<string?> Output = new Option<string?>("--output", "-o")
    {
        Description = "table: a live table (needs a terminal). json: one JSON quote per line, for piping. " +
            "Default: table on a terminal, json when stdout is redirected.",
        HelpName = "table|json",
    }.AcceptOnlyFromAmong("table", "json");

    internal static readonly Option<int?> MaxRetries = new("--max-retries")
    {
        Recursive = true,
        Description = "Retries after a failed attempt to connect before giving up with exit code 5: 2 means 3 attempts in all. " +
            "Counted from zero again after each successful connection; a rate-limited attempt (429) waits as long as the server asks " +
            "and does not count. Default: retry forever.",
        HelpName = "count",
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int?>() is < 0)
                {
                    result.AddError("--max-retries must be 0 or more.");
                }
            },
        },
    };

    internal static readonly Option<string> Protocol = new Option<string>("--protocol")
    {
        Description = "Hub protocol: json, or messagepack (binary, smaller frames).",
        HelpName = "json|messagepack",
        DefaultValueFactory = _ => "json",
        Recursive = true,
    }.AcceptOnlyFromAmong("json", "messagepack");

    private static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "With --output json, report connection changes (reconnects, token refreshes) on stderr. " +
            "Stale symbols, ended subscriptions and quotes lost across a reconnect are reported there always.",
    };

    private static readonly Option<double> StaleCheck = Seconds("--stale-check",
        "How often, in seconds, to ask the server (GET /api/symbols) which symbols are stale because their upstream feed " +
        "is disconnected; 0 never asks.",
        defaultValue: 5);

    public static RootCommand Build(Func<ClientOptions, CancellationToken, Task<int>> watch, Func<PublishOptions, CancellationToken, Task<int>> publish)
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(publish);
        var root = new RootCommand(
            "Watch live prices from a SignalRTicker server: exchanges an API key for a token, subscribes to symbols, " +
            "and keeps the feed alive: it hands the connection a new token before the old one expires, without reconnecting, " +
            "and reconnects with backoff (resuming where it was) after a drop. Shows bid and ask when the source gives them, " +
            "marks symbols whose upstream feed is down as stale, and says when the server ends a subscription or when " +
            "quotes missed during a reconnect could not be recovered. To push prices in, see: ticker-client publish --help.\n\n" +
            ExitCodes.Help)
        {
            Url, ApiKey, Symbols, Output, MaxRetries, Protocol, Verbose, StaleCheck,
        };
        root.Validators.Add(RequireApiKey);
        root.Add(PublishCommandLine.Build(publish));
        root.SetAction((parsed, cancellationToken) => watch(ToOptions(parsed), cancellationToken));
        return root;
    }

    /// <summary>The connection options every command shares: where, which key, how hard to try, which protocol.</summary>
    internal static TickerConnectionOptions Connection(ParseResult parsed, IReadOnlyList<string> symbols) =>
        new(parsed.GetValue(Url)!, ResolveApiKey(parsed.GetValue(ApiKey))!, symbols)
        {
            MaxRetries = parsed.GetValue(MaxRetries),
            Protocol = parsed.GetValue(Protocol) == "messagepack" ? TickerProtocol.MessagePack : TickerProtocol.Json,
        };

    /// <summary>An interval in seconds, from 0 (which turns the thing off) to an hour.</summary>
    internal static Option<double> Seconds(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "seconds",
        DefaultValueFactory = _ => defaultValue,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<double>() is < 0 or > 3600 or double.NaN)
                {
                    result.AddError($"{name} must be between 0 and 3600 seconds.");
                }
            },
        },
    };

    /// <summary>An error unless --api-key or the environment variable gives a key.</summary>
    internal static void RequireApiKey(CommandResult result)
    {
        if (string.IsNullOrWhiteSpace(ResolveApiKey(result.GetValue(ApiKey))))
        {
            result.AddError($"No API key: pass --api-key or set {ApiKeyVariable}.");
        }
    }

    private static ClientOptions ToOptions(ParseResult parsed)
    {
        var output = parsed.GetValue(Output) switch
        {
            "json" => OutputFormat.Json,
            "table" => OutputFormat.Table,
            _ => Console.IsOutputRedirected ? OutputFormat.Json : OutputFormat.Table,
        };
        var staleCheck = parsed.GetValue(StaleCheck);
        return new ClientOptions(Connection(parsed, parsed.GetValue(Symbols)!), output, parsed.GetValue(Verbose),
            staleCheck > 0 ? TimeSpan.FromSeconds(staleCheck) : null);
    }

    private static string? ResolveApiKey(string? fromCommandLine) =>
        string.IsNullOrWhiteSpace(fromCommandLine) ? Environment.GetEnvironmentVariable(ApiKeyVariable)?.Trim() : fromCommandLine.Trim();

    private static Uri? ParseUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            result.AddError($"--url must be an absolute http:// or https:// address; got '{text}'.");
            return null;
        }

        // A base address must end in '/', or relative paths replace its last segment.
        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
    }

    private static string[] ParseSymbols(ArgumentResult result)
    {
        var symbols = result.Tokens
            .SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(symbol => symbol.ToUpperInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (symbols.Length == 0)
        {
            result.AddError("--symbols needs at least one symbol, such as BTC-USD.");
        }

        return symbols;
    }
}
