namespace SignalRTicker.Client;

/// <summary>The hub protocol a <see cref="TickerConnection"/> speaks.</summary>
public enum TickerProtocol
{
    /// <summary>SignalR's JSON protocol: text frames, readable in a browser's developer tools.</summary>
    Json,

    /// <summary>SignalR's MessagePack protocol: binary frames, smaller and cheaper to parse.</summary>
    MessagePack,
}
