namespace SignalRTicker.Server.Ticker;

/// <summary>
/// One hub call's hold on its connection. SignalR disposes a call's service scope after it has written the call's
/// result (or error), so a connection that waits for its calls to end before it closes sends every result first.
/// </summary>
internal sealed class HubCallScope : IDisposable
{
    private LiveConnection? _connection;

    public void Hold(LiveConnection connection) => _connection = connection;

    public void Dispose() => Interlocked.Exchange(ref _connection, null)?.EndCall();
}
