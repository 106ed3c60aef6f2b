using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRTicker.Client;

/// <summary>
/// Exponential backoff with jitter: about <c>initial × 2^n</c>, capped at <c>max</c>, each delay drawn between half
/// and all of that so that many clients dropped at once do not come back in step. After <c>maxRetries</c> retries it
/// answers null (give up); without it, never.
/// </summary>
internal sealed class BackoffRetryPolicy(TimeSpan initial, TimeSpan max, int? maxRetries = null) : IRetryPolicy
{
    /// <summary>The wait before retry number <c>PreviousRetryCount + 1</c>, or null when that would be one too many.</summary>
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        ArgumentNullException.ThrowIfNull(retryContext);
        if (maxRetries is { } limit && retryContext.PreviousRetryCount >= limit)
        {
            return null;
        }

        var exponent = Math.Min(retryContext.PreviousRetryCount, 20);
        var ceiling = Math.Min(initial.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        // Jitter is for spreading load, not for security.
#pragma warning disable CA5394
        var jittered = (ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2);
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(jittered);
    }
}
