using SignalRTicker.Contracts;

namespace SignalRTicker.ConsoleClient.Publish;

/// <summary>One line of the publish command's input: a quote, or why it is not one. <see cref="Number"/> counts from 1, blank lines included.</summary>
public sealed record InputLine(long Number, QuoteInput? Quote, string? Error)
{
    public static InputLine Of(long number, QuoteInput quote) => new(number, quote, null);

    public static InputLine Bad(long number, string error) => new(number, null, error);
}
