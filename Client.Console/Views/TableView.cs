using System.Globalization;
using SignalRTicker.Client;
using SignalRTicker.Contracts;
using Spectre.Console;

namespace SignalRTicker.ConsoleClient.Views;

/// <summary>
/// A live table: one row per symbol with price, bid and ask, change against the open, and last update; the price
/// flashes green or red with each move. A note column marks a stale symbol, one the server unsubscribed, and one
/// whose missed quotes a reconnect could not recover. Above it, the connection state; below it, the counters.
/// </summary>
public sealed class TableView(IAnsiConsole console, TickerConnectionOptions options, TimeSpan? frame = null) : IQuoteView
{
    private readonly TimeSpan _frame = frame ?? TimeSpan.FromMilliseconds(200);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Row> _rows = options.Symbols
        .Select(symbol => symbol.Trim().ToUpperInvariant())
        .Distinct(StringComparer.Ordinal)
        .ToDictionary(symbol => symbol, _ => Row.Waiting, StringComparer.Ordinal);

    private TickerConnectionStatus _status = new(TickerConnectionState.Connecting);

    public async Task RunAsync(TickerConnection connection, StaleWatch stale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(stale);
        connection.QuoteReceived += OnQuote;
        connection.StateChanged += OnStatus;
        connection.Unsubscribed += OnUnsubscribed;
        connection.NotRecovered += OnNotRecovered;
        stale.Changed += OnStale;
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
                        await Task.Delay(_frame, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    }

                    context.UpdateTarget(Render(connection.Stats));
                });
        }
        finally
        {
            connection.QuoteReceived -= OnQuote;
            connection.StateChanged -= OnStatus;
            connection.Unsubscribed -= OnUnsubscribed;
            connection.NotRecovered -= OnNotRecovered;
            stale.Changed -= OnStale;
        }
    }

    private void OnQuote(Quote quote) => Update(quote.Symbol, row => row with
    {
        Quote = quote,
        Move = row.Quote is { } last ? quote.Price.CompareTo(last.Price) : 0,
    });

    private void OnStale(string symbol, bool stale) => Update(symbol, row => row with { Stale = stale });

    private void OnNotRecovered(SymbolNotRecovered lost) => Update(lost.Symbol, row => row with { Lost = row.Lost + lost.Lost });

    private void OnUnsubscribed(SymbolsUnsubscribed ended)
    {
        foreach (var symbol in ended.Symbols)
        {
            Update(symbol, row => row with { Ended = ended.Reason });
        }
    }

    private void Update(string symbol, Func<Row, Row> change)
    {
        lock (_lock)
        {
            _rows[symbol] = change(_rows.GetValueOrDefault(symbol) ?? Row.Waiting);
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
            .AddColumn(new TableColumn("Bid").RightAligned())
            .AddColumn(new TableColumn("Ask").RightAligned())
            .AddColumn(new TableColumn("Change").RightAligned())
            .AddColumn(new TableColumn("Change %").RightAligned())
            .AddColumn(new TableColumn("Last update").RightAligned())
            .AddColumn("Note");

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
            $"[grey]recovered[/] {stats.RecoveredQuotes:N0}  [grey]duplicates[/] {stats.Duplicates:N0}  [grey]reconnects[/] {stats.Reconnects:N0}  " +
            $"[grey]tokens[/] {stats.TokensIssued:N0}  [grey]refreshed in band[/] {stats.TokensRefreshed:N0}  [grey]Ctrl+C to quit[/]"));
        return new Rows(new Markup(Describe(status)), table);
    }

    private static void AddRow(Table table, string symbol, Row row)
    {
        var note = new Markup(Note(row));
        if (row.Quote is not { } quote)
        {
            table.AddRow(new Markup(Markup.Escape(symbol)), new Markup("[grey]waiting…[/]"), Text.Empty, Text.Empty, Text.Empty, Text.Empty, Text.Empty, note);
            return;
        }

        // A stale or ended row keeps its last prices, dimmed: they are no longer live.
        var live = !row.Stale && row.Ended is null;
        var moveColour = !live ? "grey" : row.Move switch { > 0 => "green", < 0 => "red", _ => "default" };
        var arrow = row.Move switch { > 0 => "▲", < 0 => "▼", _ => " " };
        var signColour = !live ? "grey" : quote.Change switch { > 0 => "green", < 0 => "red", _ => "default" };
        table.AddRow(
            new Markup($"[bold]{Markup.Escape(symbol)}[/]"),
            new Markup($"[{moveColour}]{Format(quote.Price)} {arrow}[/]"),
            new Markup(quote.Bid is { } bid ? Format(bid) : "[grey]–[/]"),
            new Markup(quote.Ask is { } ask ? Format(ask) : "[grey]–[/]"),
            new Markup($"[{signColour}]{Signed(quote.Change)}[/]"),
            new Markup($"[{signColour}]{Signed(quote.ChangePercent)}%[/]"),
            new Markup($"[grey]{quote.Timestamp.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}[/]"),
            note);
    }

    private static string Note(Row row)
    {
        var notes = new List<string>();
        if (row.Ended is { } reason)
        {
            notes.Add($"[red]unsubscribed: {Markup.Escape(reason)}[/]");
        }

        if (row.Stale)
        {
            notes.Add("[yellow]stale: feed down[/]");
        }

        if (row.Lost > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"[red]not recovered: {row.Lost:N0} lost[/]"));
        }

        return string.Join(" · ", notes);
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

    /// <summary>What one symbol's row shows.</summary>
    /// <param name="Lost">Quotes lost across reconnects, as <see cref="TickerConnection.NotRecovered"/> told.</param>
    /// <param name="Ended">Why the server ended the subscription; null while it holds.</param>
    private sealed record Row(Quote? Quote, int Move, bool Stale, long Lost, string? Ended)
    {
        public static readonly Row Waiting = new(null, 0, false, 0, null);
    }
}
