using System.CommandLine;
using System.Globalization;

namespace SignalRTicker.ConsoleClient.Publish;

/// <summary><c>ticker-client publish</c>: its options, its help text, and how they become <see cref="PublishOptions"/>.</summary>
public static class PublishCommandLine
{
    public const int DefaultBatchSize = 500;
    public const int MaxBatchSize = 1000;

    private static readonly Option<string?> File = new("--file", "-f")
    {
        Description = "Read quotes from this file. Default (or -): standard input, so an existing feed can be piped in.",
        HelpName = "path",
    };

    private static readonly Option<string?> Format = new Option<string?>("--format")
    {
        Description = "jsonl: one JSON quote per line, {\"symbol\":\"ACME\",\"price\":12.5,\"bid\":12.49,\"ask\":12.51,\"timestamp\":\"2026-11-22T10:00:00Z\"} " +
            "(bid, ask and timestamp optional). csv: symbol,price[,bid,ask,timestamp] per line; an optional first line starting with " +
            "'symbol' is a header naming the columns, in any order (others are ignored). Default: guessed from the first line that is " +
            "not blank ('{' means jsonl).",
        HelpName = "jsonl|csv",
    }.AcceptOnlyFromAmong("jsonl", "csv");

    private static readonly Option<int> BatchSize = new("--batch-size")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"The most quotes sent in one Publish call, 1 to {MaxBatchSize}."),
        HelpName = "count",
        DefaultValueFactory = _ => DefaultBatchSize,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() is < 1 or > MaxBatchSize)
                {
                    result.AddError(string.Create(CultureInfo.InvariantCulture, $"--batch-size must be between 1 and {MaxBatchSize}."));
                }
            },
        },
    };

    private static readonly Option<int> FlushAfter = new("--flush-after")
    {
        Description = "A batch that is not full is sent this many milliseconds after its first quote was read, so a slow feed is not held back.",
        HelpName = "ms",
        DefaultValueFactory = _ => 50,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() is < 1 or > 60_000)
                {
                    result.AddError("--flush-after must be between 1 and 60000 milliseconds.");
                }
            },
        },
    };

    private static readonly Option<bool> KeepGoing = new("--keep-going")
    {
        Description = "Report a line that is not a quote, or a batch the server refuses, skip it and go on (the exit code still says so). " +
            "Default: stop there.",
    };

    private static readonly Option<double> Progress = ClientCommandLine.Seconds("--progress",
        "Report progress on stderr (quotes read, accepted, ignored, batches, errors) this often, in seconds, while it changes; " +
        "0 reports only at the end.",
        defaultValue: 2);

    public static Command Build(Func<PublishOptions, CancellationToken, Task<int>> run)
    {
        var command = new Command("publish",
            "Push prices into a SignalRTicker server: reads quotes as JSON lines or CSV from a file or standard input and publishes them " +
            "through the hub in batches, with a key whose role is publisher (or admin) and entitled to the symbols; the instruments must " +
            "exist with the published source. Each batch is all or nothing. A quote older than its symbol's latest is ignored (counted, " +
            "not an error). If the connection drops with a batch in flight, the batch is sent again after reconnecting: a quote may be " +
            "published twice, never lost.\n\n" +
            "  ticker-client publish --url http://127.0.0.1:5080 --api-key $KEY --file quotes.csv\n" +
            "  my-feed | ticker-client publish --url http://127.0.0.1:5080 --format jsonl\n\n" +
            ExitCodes.PublishHelp)
        {
            File, Format, BatchSize, FlushAfter, KeepGoing, Progress,
        };
        command.Validators.Add(ClientCommandLine.RequireApiKey);
        command.SetAction((parsed, cancellationToken) => run(ToOptions(parsed), cancellationToken));
        return command;
    }

    private static PublishOptions ToOptions(ParseResult parsed)
    {
        var file = parsed.GetValue(File);
        var progress = parsed.GetValue(Progress);
        return new PublishOptions(
            ClientCommandLine.Connection(parsed, []),
            file is null or "-" ? null : file,
            parsed.GetValue(Format) switch
            {
                "jsonl" => InputFormat.JsonLines,
                "csv" => InputFormat.Csv,
                _ => null,
            },
            parsed.GetValue(BatchSize),
            TimeSpan.FromMilliseconds(parsed.GetValue(FlushAfter)),
            parsed.GetValue(KeepGoing),
            progress > 0 ? TimeSpan.FromSeconds(progress) : null);
    }
}
