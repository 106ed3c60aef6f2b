namespace SignalRTicker.Server.Revocation;

/// <summary>
/// Endpoint metadata: this endpoint revokes the token that calls it, so a token already revoked may call it again to
/// learn whether its revocation was recorded. It grants nothing else; every other endpoint refuses a revoked token.
/// </summary>
public sealed class RevocationConfirmation
{
    public static readonly RevocationConfirmation Instance = new();

    private RevocationConfirmation()
    {
    }
}
