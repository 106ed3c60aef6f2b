using System.CommandLine;
using System.CommandLine.Parsing;
using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient;

public enum OutputFormat
{
    Table,
    Json,
}

/// <summary>Everything the command line decides.</summary>
public sealed record ClientOptions(TickerConnectionOptions Connection, OutputFormat Output, bool Verbose);

/// <summary>The command line: every option, its help text, and how it becomes <see cref="ClientOptions"/>.</summary>
public static class ClientCommandLine
{
    public const string ApiKeyVariable = "TICKER_API_KEY";

    private static readonly Uri DefaultUrl = new("http://localhost:5080");

    private static readonly Option<Uri> Url = new("--url", "-u")
    {
        Description = "The server's base address.",
        HelpName = "url",
        DefaultValueFactory = _ => DefaultUrl,
        CustomParser = ParseUrl,
    };

    // No DefaultValueFactory: help would print the environment variable's value, and the key is a secret.
    private static readonly Option<string?> ApiKey = new("--api-key", "-k")
    {
        Description = $"The API key to exchange for tokens. Defaults to the {ApiKeyVariable} environment variable, which keeps it out of shell history.",
        HelpName = "key",
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

    private static readonly Option<int?> MaxRetries = new("--max-retries")
    {
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

    private static readonly Option<string> Protocol = new Option<string>("--protocol")
    {
        Description = "Hub protocol: json, or messagepack (binary, smaller frames).",
        HelpName = "json|messagepack",
        DefaultValueFactory = _ => "json",
    }.AcceptOnlyFromAmong("json", "messagepack");

    private static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "With --output json, report connection changes (reconnects, token refreshes) on stderr.",
    };

    public static RootCommand Build(Func<ClientOptions, CancellationToken, Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var root = new RootCommand(
            "Watch live prices from a SignalRTicker server: exchanges an API key for a token, subscribes to symbols, " +
            "and keeps the feed alive across reconnects and token expiry.\n\n" + ExitCodes.Help)
        {
            Url, ApiKey, Symbols, Output, MaxRetries, Protocol, Verbose,
        };
        root.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(ResolveApiKey(result.GetValue(ApiKey))))
            {
                result.AddError($"No API key: pass --api-key or set {ApiKeyVariable}.");
            }
        });
        root.SetAction((parsed, cancellationToken) => run(ToOptions(parsed), cancellationToken));
        return root;
    }

    private static ClientOptions ToOptions(ParseResult parsed)
    {
        var connection = new TickerConnectionOptions(
            parsed.GetValue(Url)!,
            ResolveApiKey(parsed.GetValue(ApiKey))!,
            parsed.GetValue(Symbols)!)
        {
            MaxRetries = parsed.GetValue(MaxRetries),
            Protocol = parsed.GetValue(Protocol) == "messagepack" ? TickerProtocol.MessagePack : TickerProtocol.Json,
        };
        var output = parsed.GetValue(Output) switch
        {
            "json" => OutputFormat.Json,
            "table" => OutputFormat.Table,
            _ => Console.IsOutputRedirected ? OutputFormat.Json : OutputFormat.Table,
        };
        return new ClientOptions(connection, output, parsed.GetValue(Verbose));
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
