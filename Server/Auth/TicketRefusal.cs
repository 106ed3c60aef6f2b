namespace SignalRTicker.Server.Auth;

/// <summary>Why no ticket was issued.</summary>
public enum TicketRefusal
{
    None,
    TooManyUnused,
    TooFast,
    StoreFull,
}
