namespace SignalRTicker.Bench;

/// <summary>The hub answered an invocation with an error (a <c>HubException</c>'s message), or the connection ended first.</summary>
public sealed class HubInvocationException : Exception
{
    public HubInvocationException()
        : base("The hub invocation failed.")
    {
    }

    public HubInvocationException(string message)
        : base(message)
    {
    }

    public HubInvocationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
