namespace SignalRTicker.Server.Instruments;

/// <summary>
/// Fills the registry at start (stored instruments, configured ones). The server runs the loaders as hosted services;
/// a command that needs the instrument list without serving (<c>keys create</c>) runs them directly, in the same order.
/// </summary>
public interface IInstrumentLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}
