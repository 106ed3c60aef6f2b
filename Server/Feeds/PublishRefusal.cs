namespace SignalRTicker.Server.Feeds;

/// <summary>Why a publish batch was refused as a whole: what kind of mistake, and a detail naming the item.</summary>
public sealed record PublishRefusal(PublishRefusalKind Kind, string Detail)
{
    public int StatusCode => Kind switch
    {
        PublishRefusalKind.Invalid => StatusCodes.Status400BadRequest,
        PublishRefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        PublishRefusalKind.UnknownSymbol => StatusCodes.Status404NotFound,
        PublishRefusalKind.NotPublished => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };
}
