namespace SignalRTicker.Server.Auth;

/// <summary>One request's use of a ticket, from authentication to the end of the request.</summary>
public sealed class TicketUse : IDisposable
{
    private readonly TicketStore _store;
    private int _disposed;

    internal TicketUse(TicketStore store, TicketStore.Ticket ticket, TicketStore.TicketConnection? connection)
    {
        _store = store;
        Ticket = ticket;
        Connection = connection;
    }

    /// <summary>The JWT the ticket stands for.</summary>
    public string Token => Ticket.Token;

    internal TicketStore.Ticket Ticket { get; }

    internal TicketStore.TicketConnection? Connection { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _store.Release(this);
        }
    }
}
