using System.Globalization;
using SignalRTicker.Client;
using SignalRTicker.Contracts;
using Spectre.Console;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>
/// A live table: one row per symbol with price, change against the open, and last update; the price flashes green
/// or red with each move. Above it, the connection state; below it, the counters.
/// </summary>
public sealed class TableView(IAnsiConsole console, TickerConnectionOptions options) : IQuoteView
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(200);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Row> _rows = options.Symbols.ToDictionary(s => s, _ => new Row(null, 0), StringComparer.Ordinal);
    private TickerConnectionStatus _status = new(TickerConnectionState.Connecting);

    public async Task RunAsync(TickerConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.QuoteReceived += OnQuote;
        connection.StateChanged += OnStatus;
        try
        {
            await console.Live(Render(connection.Stats))
                .AutoClear(false)
                .Overflow(VerticalOverflow.Ellipsis)
                .StartAsync(async context =>
                {
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        context.UpdateTarget(Render(connection.Stats));
                        await Task.Delay(Frame, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    }

                    context.UpdateTarget(Render(connection.Stats));
                });
        }
        finally
        {
            connection.QuoteReceived -= OnQuote;
            connection.StateChanged -= OnStatus;
        }
    }

    private void OnQuote(Quote quote)
    {
        lock (_lock)
        {
            var previous = _rows.GetValueOrDefault(quote.Symbol);
            var move = previous?.Quote is { } last ? quote.Price.CompareTo(last.Price) : 0;
            _rows[quote.Symbol] = new Row(quote, move);
        }
    }

    private void OnStatus(TickerConnectionStatus status)
    {
        lock (_lock)
        {
            _status = status;
        }
    }

    private Rows Render(TickerConnectionStats stats)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn("Symbol")
            .AddColumn(new TableColumn("Price").RightAligned())
            .AddColumn(new TableColumn("Change").RightAligned())
            .AddColumn(new TableColumn("Change %").RightAligned())
            .AddColumn(new TableColumn("Last update").RightAligned());

        TickerConnectionStatus status;
        lock (_lock)
        {
            status = _status;
            foreach (var (symbol, row) in _rows)
            {
                AddRow(table, symbol, row);
            }
        }

        table.Title = new TableTitle($"SignalRTicker · {Markup.Escape(options.ServerUrl.ToString())}");
        table.Caption = new TableTitle(string.Create(CultureInfo.InvariantCulture,
            $"[grey]quotes[/] {stats.QuotesReceived:N0}  [grey]gaps[/] {stats.Gaps:N0} ({stats.MissedQuotes:N0} missed)  " +
            $"[grey]duplicates[/] {stats.Duplicates:N0}  [grey]reconnects[/] {stats.Reconnects:N0}  [grey]tokens[/] {stats.TokensIssued:N0}  [grey]Ctrl+C to quit[/]"));
        return new Rows(new Markup(Describe(status)), table);
    }

    private static void AddRow(Table table, string symbol, Row row)
    {
        if (row.Quote is not { } quote)
        {
            table.AddRow(new Markup(Markup.Escape(symbol)), new Markup("[grey]waiting…[/]"), Text.Empty, Text.Empty, Text.Empty);
            return;
        }

        var moveColour = row.Move switch { > 0 => "green", < 0 => "red", _ => "default" };
        var arrow = row.Move switch { > 0 => "▲", < 0 => "▼", _ => " " };
        var signColour = quote.Change switch { > 0 => "green", < 0 => "red", _ => "default" };
        table.AddRow(
            new Markup($"[bold]{Markup.Escape(symbol)}[/]"),
            new Markup($"[{moveColour}]{Format(quote.Price)} {arrow}[/]"),
            new Markup($"[{signColour}]{Signed(quote.Change)}[/]"),
            new Markup($"[{signColour}]{Signed(quote.ChangePercent)}%[/]"),
            new Markup($"[grey]{quote.Timestamp.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}[/]"));
    }

    private static string Describe(TickerConnectionStatus status)
    {
        var colour = status.State switch
        {
            TickerConnectionState.Connected => "green",
            TickerConnectionState.Stopped => "grey",
            _ => "yellow",
        };
        return $"[{colour}]● {Markup.Escape(StatusText.Describe(status))}[/]";
    }

    private static string Format(decimal value) => value.ToString("#,##0.00######", CultureInfo.InvariantCulture);

    private static string Signed(decimal value) => (value > 0 ? "+" : "") + Format(value);

    private sealed record Row(Quote? Quote, int Move);
}
