namespace SignalRTicker.Server.Auth;

/// <summary>A new ticket, or the refusal and when to try again.</summary>
public readonly record struct TicketIssue(string? Ticket, TicketRefusal Refusal, TimeSpan RetryAfter)
{
    public static TicketIssue Issued(string ticket) => new(ticket, TicketRefusal.None, TimeSpan.Zero);

    public static TicketIssue Refused(TicketRefusal refusal, TimeSpan retryAfter) => new(null, refusal, retryAfter);
}
