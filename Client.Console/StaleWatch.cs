using System.Text.Json;
using SignalRTicker.Client;

namespace SignalRTicker.ConsoleClient;

/// <summary>
/// Asks the server every few seconds which of the connection's symbols are stale (<c>GET /api/symbols</c>). The hub
/// pushes no such notice, and an instrument whose upstream feed is down sends no quotes that could say so; a poll
/// of one small list every few seconds costs the server little. Asks only while the connection is up. Raises
/// <see cref="Changed"/> when a symbol turns stale or live again (and at the first look, only when it is stale).
/// </summary>
public sealed class StaleWatch(TickerConnection connection, TimeSpan? interval)
{
    private readonly Dictionary<string, bool> _stale = new(StringComparer.Ordinal);

    /// <summary>A symbol and whether it is now stale.</summary>
    public event Action<string, bool>? Changed;

    /// <summary>Looks every interval until cancelled; does nothing without an interval. Never throws.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (interval is not { } every)
        {
            return;
        }

        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await CheckAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (connection.Status.State != TickerConnectionState.Connected)
        {
            return; // a connection that is down says so itself; asking a server that is not there only adds to the noise
        }

        Contracts.InstrumentInfo[] instruments;
        try
        {
            instruments = await connection.GetInstrumentsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TickerClientException or JsonException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Down, refusing or slow: the connection reports that itself. Look again next time.
            return;
        }

        var watched = connection.Symbols.ToHashSet(StringComparer.Ordinal);
        foreach (var instrument in instruments)
        {
            if (!watched.Contains(instrument.Symbol))
            {
                continue;
            }

            var changed = _stale.TryGetValue(instrument.Symbol, out var was) ? was != instrument.Stale : instrument.Stale;
            _stale[instrument.Symbol] = instrument.Stale;
            if (changed)
            {
                Changed?.Invoke(instrument.Symbol, instrument.Stale);
            }
        }
    }
}
