using SignalRTicker.Client;

namespace SignalRTicker.Bench.Commands;

/// <summary>Runs a command's work within its hard limit and turns the failures a user can fix into one line and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(TimeSpan hardLimit, Uri url, Func<CancellationToken, Task<int>> work, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(hardLimit);
        try
        {
            return await work(limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"The run did not finish within its hard limit of {hardLimit.TotalSeconds:F0} s.");
            return ExitCodes.TimedOut;
        }
        catch (TickerClientException ex)
        {
            Console.Error.WriteLine($"{ex.Message} Check --api-key, --admin-key and --url.");
            return ExitCodes.Failed;
        }
        catch (RateLimitedException ex)
        {
            var wait = ex.RetryAfter is { } retryAfter ? $" Try again in {Math.Ceiling(retryAfter.TotalSeconds):0} s." : "";
            Console.Error.WriteLine($"{ex.Message}{wait}");
            return ExitCodes.Failed;
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"Could not reach {url}, or it refused a call: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is InvalidOperationException or HubInvocationException or System.Net.WebSockets.WebSocketException)
        {
            Console.Error.WriteLine(ex.Message);
            return ExitCodes.Failed;
        }
    }
}
