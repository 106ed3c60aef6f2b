namespace SignalRTicker.Server.Feeds;

/// <summary>What one upstream message was, with a short detail for the log (the reason, the venue's error, the type).</summary>
public readonly record struct FeedMessage(FeedMessageKind Kind, string? Detail = null)
{
    /// <summary>Venue text is echoed into log lines; this much of it is enough to recognise it.</summary>
    private const int MaxDetailLength = 200;

    public static FeedMessage Prices => new(FeedMessageKind.Prices);

    public static FeedMessage Heartbeat => new(FeedMessageKind.Heartbeat);

    public static FeedMessage Subscribed(string detail) => new(FeedMessageKind.Subscribed, Clip(detail));

    public static FeedMessage Unknown(string type) => new(FeedMessageKind.Unknown, Clip(type));

    public static FeedMessage Malformed(string reason) => new(FeedMessageKind.Malformed, Clip(reason));

    public static FeedMessage Error(string detail) => new(FeedMessageKind.Error, Clip(detail));

    private static string Clip(string text)
    {
        var printable = new string([.. text.Take(MaxDetailLength + 1).Select(c => char.IsControl(c) ? '?' : c)]);
        return printable.Length > MaxDetailLength ? printable[..MaxDetailLength] + "…" : printable;
    }
}
