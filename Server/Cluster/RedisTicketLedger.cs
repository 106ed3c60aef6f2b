using SignalRTicker.Server.Auth;
using StackExchange.Redis;

namespace SignalRTicker.Server.Cluster;

/// <summary>
/// Unused tickets in Redis, so a ticket issued on one node is redeemed once on any node and then on none: the first
/// use deletes it atomically (<see cref="TicketScripts.Claim"/>). Each key's limits (unused tickets held, issue rate)
/// count the whole cluster. Redis expires unused tickets by itself. Without Redis, no ticket is issued or redeemed:
/// the caller gets a 503 (issue) or a 401 that says why (redeem), and can connect with its token meanwhile.
/// </summary>
internal sealed class RedisTicketLedger(RedisConnection redis, TimeProvider time) : ITicketLedger
{
    public async ValueTask<TicketIssue> IssueAsync(string token, string keyId, CancellationToken cancellationToken)
    {
        var ticket = MemoryTicketLedger.NewTicket();
        RedisResult[] result;
        try
        {
            result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
                TicketScripts.Issue,
                [RedisKeys.KeyTickets(keyId), RedisKeys.TicketRate(keyId), RedisKeys.Ticket(ticket)],
                [
                    time.GetUtcNow().ToUnixTimeMilliseconds(),
                    (long)TicketStore.Lifetime.TotalMilliseconds,
                    TicketStore.MaxUnusedPerKey,
                    TicketStore.IssuedPerKeyPerSecond,
                    token,
                    keyId,
                    ticket,
                ]))!;
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw redis.Unavailable("Issuing a connection ticket (tickets work on every node)", ex);
        }

        var retryAfter = TimeSpan.FromMilliseconds((long)result[1]);
        return (long)result[0] switch
        {
            0 => TicketIssue.Issued(ticket),
            1 => TicketIssue.Refused(TicketRefusal.TooManyUnused, retryAfter),
            _ => TicketIssue.Refused(TicketRefusal.TooFast, retryAfter),
        };
    }

    public async ValueTask<TicketClaim?> ClaimAsync(string ticket, string? keyId, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            result = await redis.Database.ScriptEvaluateAsync(
                TicketScripts.Claim, [RedisKeys.Ticket(ticket)], [keyId ?? "", RedisKeys.KeyTicketsPrefix, ticket]);
        }
        catch (Exception ex) when (RedisConnection.IsUnavailable(ex))
        {
            throw redis.Unavailable("Redeeming a connection ticket", ex);
        }

        if (result.IsNull)
        {
            return null;
        }

        var fields = (string[])result!;
        return new TicketClaim(fields[0], fields[1]);
    }

    /// <summary>Redis expires unused tickets itself.</summary>
    public int Purge() => 0;
}
