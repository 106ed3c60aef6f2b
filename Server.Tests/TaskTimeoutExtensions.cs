using System.Runtime.CompilerServices;

namespace SignalRTicker.Server.Tests;

/// <summary>Every await in a test has a deadline, and a timeout names the line that waited.</summary>
public static class TaskTimeoutExtensions
{
    public static readonly TimeSpan DefaultTimeoutSpan = TimeSpan.FromSeconds(10);

    public static async Task DefaultTimeout(this Task task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeoutSpan);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeoutSpan).TotalSeconds}s at {Path.GetFileName(file)}:{line}");
        }
    }

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeoutSpan);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeoutSpan).TotalSeconds}s at {Path.GetFileName(file)}:{line}");
        }
    }

    public static Task DefaultTimeout(this ValueTask task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(timeout, file, line);

    /// <summary>Polls a condition that no event announces (work on the thread pool, state across a browser), with a deadline.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var limit = timeout ?? DefaultTimeoutSpan;
        using var deadline = new CancellationTokenSource(limit);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            try
            {
                await poll.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The condition was not met within {limit.TotalSeconds}s at {Path.GetFileName(file)}:{line}");
            }
        }
    }
}
