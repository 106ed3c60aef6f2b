using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SignalRTicker.Server.Tests.Shutdown;

/// <summary>
/// A reconnect policy that never retries but records when it was asked and why. SignalR's client asks its policy only
/// when the server's close allowed a reconnect, so being asked at all shows that it did.
/// </summary>
public sealed class RecordingRetryPolicy(Stopwatch clock) : IRetryPolicy
{
    private readonly TaskCompletionSource<(Exception? Reason, TimeSpan At)> _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The reason of the close that allowed a reconnect, and when (on the test's clock) it came.</summary>
    public Task<(Exception? Reason, TimeSpan At)> Asked => _asked.Task;

    /// <summary>A WebSocket connection to the server's hub with this token, whose reconnects this policy records; not started.</summary>
    public HubConnection Connect(Uri server, string accessToken) => new HubConnectionBuilder()
        .WithUrl(new Uri(server, "hubs/ticker"), options =>
        {
            options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            options.Transports = HttpTransportType.WebSockets;
        })
        .WithAutomaticReconnect(this)
        .Build();

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        _asked.TrySetResult((retryContext.RetryReason, clock.Elapsed));
        return null;
    }
}
