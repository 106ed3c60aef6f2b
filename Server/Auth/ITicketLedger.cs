namespace SignalRTicker.Server.Auth;

/// <summary>
/// Where unused connection tickets wait for their first use, with each key's limits: this node's memory
/// (<see cref="MemoryTicketLedger"/>), or a cluster's shared store, so a ticket issued by one node is redeemed once on
/// any node and then by none. What happens to a ticket after its first use stays with the node its connection is on
/// (<see cref="TicketStore"/>).
/// </summary>
public interface ITicketLedger
{
    /// <summary>A new ticket standing for <paramref name="token"/> of key <paramref name="keyId"/>, or why there is none.</summary>
    ValueTask<TicketIssue> IssueAsync(string token, string keyId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes an unused, unexpired ticket for its first use, after which no node has it; null when there is none
    /// (unknown, used, expired) or, with <paramref name="keyId"/>, when it is another key's, which leaves it unused.
    /// </summary>
    ValueTask<TicketClaim?> ClaimAsync(string ticket, string? keyId, CancellationToken cancellationToken);

    /// <summary>Drops the unused tickets that have expired; returns how many.</summary>
    int Purge();
}
