namespace SignalRTicker.Client;

/// <summary>
/// A failure that retrying cannot fix; <see cref="TickerConnection.RunAsync"/> ends with it.
/// <see cref="Exception.Message"/> is one line a person can act on, and never holds the API key or a token.
/// </summary>
public sealed class TickerClientException : Exception
{
    /// <summary>A failure of the given kind.</summary>
    public TickerClientException(TickerFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    /// <summary>An <see cref="TickerFailure.Unreachable"/> failure with a generic message.</summary>
    public TickerClientException()
        : this(TickerFailure.Unreachable, "The ticker connection failed.")
    {
    }

    /// <summary>An <see cref="TickerFailure.Unreachable"/> failure.</summary>
    public TickerClientException(string message)
        : this(TickerFailure.Unreachable, message)
    {
    }

    /// <summary>An <see cref="TickerFailure.Unreachable"/> failure caused by <paramref name="innerException"/>.</summary>
    public TickerClientException(string message, Exception innerException)
        : this(TickerFailure.Unreachable, message, innerException)
    {
    }

    /// <summary>What went wrong, for choosing what to do (a console client maps it to an exit code).</summary>
    public TickerFailure Failure { get; }
}
