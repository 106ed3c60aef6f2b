using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient;

/// <summary>What the process returns; listed in <c>--help</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int BadArguments = 2;
    public const int Authentication = 3;
    public const int SubscriptionRefused = 4;
    public const int Unreachable = 5;

    public const string Help =
        "Exit codes: 0 stopped by Ctrl+C or a closed output, 1 unexpected error, 2 bad arguments, 3 API key refused, " +
        "4 subscription refused (unknown or not entitled symbol), 5 could not connect (the first attempt and all --max-retries retries failed).";

    public static int For(TickerFailure failure) => failure switch
    {
        TickerFailure.Authentication => Authentication,
        TickerFailure.SubscriptionRefused => SubscriptionRefused,
        TickerFailure.Unreachable => Unreachable,
        _ => Unexpected,
    };
}
