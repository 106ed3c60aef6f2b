namespace SignalRTicker.Contracts;

/// <summary>A single-use credential the hub accepts in <c>access_token</c> in place of the token, for one connection.</summary>
public sealed record TicketResponse(string Ticket, long ExpiresIn);
