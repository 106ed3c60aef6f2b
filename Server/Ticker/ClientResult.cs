namespace SignalRTicker.Server.Ticker;

/// <summary>A server-to-client invocation waiting for the client's result (SignalR's client results).</summary>
internal sealed class ClientResult(Type resultType, string connectionId)
{
    private readonly TaskCompletionSource<object?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Type ResultType { get; } = resultType;

    public string ConnectionId { get; } = connectionId;

    public Task<object?> Task => _result.Task;

    public void Complete(object? result) => _result.TrySetResult(result);

    public void Fail(Exception error) => _result.TrySetException(error);

    public void Cancel() => _result.TrySetCanceled();
}
