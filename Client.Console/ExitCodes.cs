using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient;

/// <summary>What the process returns; listed in <c>--help</c> and <c>publish --help</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int BadArguments = 2;
    public const int Authentication = 3;
    public const int SubscriptionRefused = 4;
    public const int Unreachable = 5;
    public const int BadInput = 6;
    public const int PublishRefused = 7;

    public const string Help =
        "Exit codes: 0 stopped by Ctrl+C or a closed output, 1 unexpected error, 2 bad arguments, 3 API key refused, " +
        "4 subscription refused (unknown or not entitled symbol), 5 could not connect (the first attempt and all --max-retries retries failed).";

    public const string PublishHelp =
        "Exit codes: 0 every line was published (quotes the server ignored as older than its latest are not errors), or stopped by Ctrl+C; " +
        "1 unexpected error; 2 bad arguments or an unreadable --file; 3 API key refused; " +
        "5 could not connect (the first attempt and all --max-retries retries failed); " +
        "6 a line is not a quote (its number is named; every line before it was published); " +
        "7 the server refused a batch (the line of the bad item is named; nothing of that batch, and nothing after it, was published). " +
        "With --keep-going, bad lines and refused batches are reported and skipped, and the exit code is 7 if any batch was refused, else 6 if any line was bad.";

    public static int For(TickerFailure failure) => failure switch
    {
        TickerFailure.Authentication => Authentication,
        TickerFailure.SubscriptionRefused => SubscriptionRefused,
        TickerFailure.Unreachable => Unreachable,
        _ => Unexpected,
    };
}
