namespace SignalRTicker.Client;

/// <summary>
/// The hub refused a publish batch: nothing of it was published. <see cref="Exception.Message"/> is the server's reason;
/// <see cref="ItemIndex"/> is the position in the batch of the quote it names, when it names one.
/// </summary>
public sealed class PublishRefusedException : Exception
{
    /// <summary>A refused batch, naming the item at <paramref name="itemIndex"/> when the server named one.</summary>
    public PublishRefusedException(string message, int? itemIndex, Exception? innerException = null)
        : base(message, innerException) => ItemIndex = itemIndex;

    /// <summary>A refused batch for a reason that names no item.</summary>
    public PublishRefusedException()
        : this("The server refused the batch.", itemIndex: null)
    {
    }

    /// <summary>A refused batch for a reason that names no item.</summary>
    public PublishRefusedException(string message)
        : this(message, itemIndex: null)
    {
    }

    /// <summary>A refused batch for a reason that names no item.</summary>
    public PublishRefusedException(string message, Exception innerException)
        : this(message, itemIndex: null, innerException)
    {
    }

    /// <summary>The index in the batch of the quote the server refused (its <c>quotes[i]</c>); null when it named none, such as a role that may not publish.</summary>
    public int? ItemIndex { get; }
}
