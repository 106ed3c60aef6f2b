using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using SignalRTicker.Contracts;

namespace SignalRTicker.ConsoleClient.Publish;

/// <summary>
/// Reads quotes, one a line, as JSON lines (the <see cref="QuoteInput"/> shape) or CSV (<c>symbol,price[,bid,ask,timestamp]</c>,
/// or the columns a header line names, in any order, others ignored). Blank lines are skipped but counted, so line
/// numbers match what an editor shows. A line that is not a quote comes back with the reason; the server checks the
/// rest (a known symbol, a positive price, bid not above ask).
/// </summary>
/// <remarks>
/// CSV here is five plain columns of symbols, numbers and ISO 8601 times, none of which holds a comma or a quote mark,
/// so a split on commas reads it exactly; a CSV library would bring quoting rules these fields never need.
/// </remarks>
public sealed class QuoteLineReader(TextReader input, InputFormat? format)
{
    private const int Symbol = 0, Price = 1, Bid = 2, Ask = 3, Timestamp = 4;

    private static readonly string[] ColumnNames = ["symbol", "price", "bid", "ask", "timestamp"];

    /// <summary>The columns of a CSV input without a header, in <see cref="ColumnNames"/> order.</summary>
    private static readonly int[] Positional = [Symbol, Price, Bid, Ask, Timestamp];

    // Strict where it matters: a line without its symbol or price is an error here, not a zero price at the server.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The format read: as given, or as guessed from the first line that is not blank (<c>{</c> starts JSON).</summary>
    public InputFormat? Format { get; private set; } = format;

    public async IAsyncEnumerable<InputLine> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long number = 0;
        int[]? columns = null; // where each of ColumnNames stands in a CSV line; -1 when absent
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            Format ??= line.TrimStart().StartsWith('{') ? InputFormat.JsonLines : InputFormat.Csv;
            if (Format == InputFormat.JsonLines)
            {
                yield return ParseJson(number, line);
                continue;
            }

            var fields = SplitCsv(line);
            if (columns is null && fields[0].Equals(ColumnNames[Symbol], StringComparison.OrdinalIgnoreCase))
            {
                columns = [.. ColumnNames.Select(name => Array.FindIndex(fields, field => field.Equals(name, StringComparison.OrdinalIgnoreCase)))];
                if (columns[Price] < 0)
                {
                    // Without a price column no later line can be read: stop here.
                    yield return InputLine.Bad(number, $"the header names no price column; it needs symbol and price, and may name bid, ask and timestamp (got '{line.Trim()}').");
                    yield break;
                }

                continue;
            }

            columns ??= Positional;
            if (columns == Positional && fields.Length > ColumnNames.Length)
            {
                yield return InputLine.Bad(number, $"{fields.Length} columns; without a header a line has symbol,price and optionally bid,ask,timestamp.");
                continue;
            }

            yield return ParseCsv(number, fields, columns);
        }
    }

    private static InputLine ParseJson(long number, string line)
    {
        try
        {
            return JsonSerializer.Deserialize<QuoteInput>(line, Json) is { } quote
                ? InputLine.Of(number, quote)
                : InputLine.Bad(number, "null is not a quote; write {\"symbol\":\"ACME\",\"price\":12.5}.");
        }
        catch (JsonException ex)
        {
            return InputLine.Bad(number, $"not a quote ({Describe(ex)}); write {{\"symbol\":\"ACME\",\"price\":12.5}}, with bid, ask and timestamp optional.");
        }
    }

    /// <summary>The serializer's reason without its position details, which count from the start of the line, not of the input.</summary>
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var reason = (cut >= 0 ? message[..cut] : message).TrimEnd('.');
        return ex.Path is { Length: > 1 } path ? $"{reason}, at {path}" : reason;
    }

    private static InputLine ParseCsv(long number, string[] fields, int[] columns)
    {
        string? Field(int column) => columns[column] is var at && at >= 0 && at < fields.Length && fields[at].Length > 0 ? fields[at] : null;

        if (Field(Symbol) is not { } symbol)
        {
            return InputLine.Bad(number, "no symbol.");
        }

        if (Field(Price) is not { } priceText)
        {
            return InputLine.Bad(number, "no price.");
        }

        if (!TryNumber(priceText, out var price))
        {
            return InputLine.Bad(number, $"price '{priceText}' is not a number.");
        }

        decimal? bid = null, ask = null;
        if (Field(Bid) is { } bidText)
        {
            if (!TryNumber(bidText, out var value))
            {
                return InputLine.Bad(number, $"bid '{bidText}' is not a number.");
            }

            bid = value;
        }

        if (Field(Ask) is { } askText)
        {
            if (!TryNumber(askText, out var value))
            {
                return InputLine.Bad(number, $"ask '{askText}' is not a number.");
            }

            ask = value;
        }

        DateTimeOffset? timestamp = null;
        if (Field(Timestamp) is { } timeText)
        {
            // A time without an offset is UTC, as the server's own are.
            if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return InputLine.Bad(number, $"timestamp '{timeText}' is not a date and time; write ISO 8601, such as 2026-11-22T10:00:00.123Z.");
            }

            timestamp = value;
        }

        return InputLine.Of(number, new QuoteInput(symbol, price, bid, ask, timestamp));
    }

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Fields trimmed, and unquoted when a tool wrote them in double quotes.</summary>
    private static string[] SplitCsv(string line) =>
        [.. line.Split(',').Select(field => field.Trim()).Select(field => field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Trim() : field)];
}
